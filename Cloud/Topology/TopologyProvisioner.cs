using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using FaceRecognition.Cloud.Functions;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.Cloud.Topology;

/// <summary>
/// Creates a <see cref="CloudTopology"/> through the AWS SDK and the Lambda API, whichever cloud answers. Idempotent:
/// what exists is kept (queue attributes, function code and settings, event source mappings brought to the
/// description), what is missing is created; safe to run at every start.
/// </summary>
public sealed class TopologyProvisioner(IAmazonS3 s3, IAmazonSQS sqs, ILogger logger)
{
    /// <summary>Everything: buckets and queues, then the functions through <paramref name="functions"/> (left out without it).</summary>
    public async Task ProvisionAsync(CloudTopology topology, FunctionDeployment? functions, CancellationToken cancellationToken)
    {
        var queueArns = await ProvisionBucketsAndQueuesAsync(topology, cancellationToken);
        if (functions is not null) await ProvisionFunctionsAsync(topology, queueArns, functions, cancellationToken);
    }

    /// <summary>The buckets, the queues and the buckets' notifications: all the services need to start.</summary>
    /// <returns>Each queue's ARN by name, for <see cref="ProvisionFunctionsAsync"/>.</returns>
    public async Task<IReadOnlyDictionary<string, string>> ProvisionBucketsAndQueuesAsync(CloudTopology topology, CancellationToken cancellationToken)
    {
        foreach (var bucket in topology.Buckets) await EnsureBucket(bucket.Name, cancellationToken);

        var arns = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var queue in InDependencyOrder(topology.Queues))
        {
            arns[queue.Name] = await EnsureQueue(queue, arns, cancellationToken);
        }

        // S3 checks, when a notification is configured, that the queue's policy lets it send there (AWS does; the
        // emulator records the policy).
        foreach (var group in topology.Notifications.GroupBy(n => n.Queue, StringComparer.Ordinal))
        {
            var arn = arns.TryGetValue(group.Key, out var queueArn)
                ? queueArn
                : throw new InvalidOperationException($"Notification '{group.First().Id}' names queue '{group.Key}', which the topology does not declare.");
            var url = (await sqs.GetQueueUrlAsync(group.Key, cancellationToken)).QueueUrl;
            await sqs.SetQueueAttributesAsync(url, new Dictionary<string, string> { ["Policy"] = QueuePolicy.Document(arn, group.Select(n => n.Bucket)) }, cancellationToken);
        }

        foreach (var group in topology.Notifications.GroupBy(n => n.Bucket, StringComparer.Ordinal))
        {
            await s3.PutBucketNotificationAsync(new PutBucketNotificationRequest
            {
                BucketName = group.Key,
                QueueConfigurations = group.Select(n => QueueConfiguration(n, arns)).ToList(),
            }, cancellationToken);
            logger.LogInformation("Bucket {Bucket} notifies {Queues}", group.Key, string.Join(", ", group.Select(n => n.Queue)));
        }

        return arns;
    }

    /// <summary>The functions and their event source mappings (on the queues <see cref="ProvisionBucketsAndQueuesAsync"/> made).</summary>
    public async Task ProvisionFunctionsAsync(CloudTopology topology, IReadOnlyDictionary<string, string> queueArns, FunctionDeployment functions,
        CancellationToken cancellationToken)
    {
        foreach (var function in topology.Functions) await EnsureFunction(function, topology, functions, cancellationToken);
        foreach (var source in topology.EventSources) await EnsureEventSource(source, queueArns, functions.Lambda, cancellationToken);
    }

    /// <summary>Creates the function from its package, or brings its code, settings and reserved concurrency to the description.</summary>
    private async Task EnsureFunction(FunctionSpec function, CloudTopology topology, FunctionDeployment deployment, CancellationToken cancellationToken)
    {
        var lambda = deployment.Lambda;
        var package = deployment.Package(function.Name);
        var environment = new FunctionEnvironment(new Dictionary<string, string>(function.Environment));
        var current = await lambda.GetFunctionAsync(function.Name, cancellationToken);
        if (current is null)
        {
            await lambda.CreateFunctionAsync(new CreateFunctionRequest
            {
                FunctionName = function.Name,
                Runtime = FunctionSpec.Runtime,
                Handler = FunctionSpec.Handler,
                Role = deployment.RoleArn(function.Name),
                Description = function.Description,
                Timeout = function.TimeoutSeconds,
                MemorySize = function.MemoryMb,
                Environment = environment,
                Code = await CodeSource(function.Name, package, topology, cancellationToken),
            }, cancellationToken);
            logger.LogInformation("Function {Function} created from its package ({Size:N0} bytes, SHA-256 {Sha})", function.Name, package.Size, package.CodeSha256);
            await lambda.WaitUntilUpdatedAsync(function.Name, cancellationToken);
        }
        else
        {
            if (current.Configuration.CodeSha256 != package.CodeSha256)
            {
                await lambda.UpdateFunctionCodeAsync(function.Name, await CodeSource(function.Name, package, topology, cancellationToken), cancellationToken);
                logger.LogInformation("Function {Function}: code updated to its package ({Size:N0} bytes, SHA-256 {Sha})", function.Name, package.Size, package.CodeSha256);
                await lambda.WaitUntilUpdatedAsync(function.Name, cancellationToken);
            }
            var configuration = current.Configuration;
            var variables = configuration.Environment?.Variables ?? [];
            if (configuration.Timeout != function.TimeoutSeconds || configuration.MemorySize != function.MemoryMb ||
                variables.Count != function.Environment.Count || function.Environment.Any(v => variables.GetValueOrDefault(v.Key) != v.Value))
            {
                await lambda.UpdateFunctionConfigurationAsync(function.Name,
                    new UpdateFunctionConfigurationRequest { Timeout = function.TimeoutSeconds, MemorySize = function.MemoryMb, Environment = environment }, cancellationToken);
                logger.LogInformation("Function {Function}: configuration updated", function.Name);
                await lambda.WaitUntilUpdatedAsync(function.Name, cancellationToken);
            }
            else
            {
                logger.LogInformation("Function {Function} is up to date", function.Name);
            }
        }
        if (function.ReservedConcurrency is { } reserved && current?.Concurrency?.ReservedConcurrentExecutions != reserved)
        {
            await lambda.PutFunctionConcurrencyAsync(function.Name, reserved, cancellationToken);
        }
    }

    /// <summary>The zip in the request, or (over Lambda's 50 MB limit for that) uploaded to the artifacts bucket first.</summary>
    private async Task<FunctionCodeSource> CodeSource(string function, FunctionPackage package, CloudTopology topology, CancellationToken cancellationToken)
    {
        if (package.Size <= FunctionPackage.MaxDirectUploadBytes) return new FunctionCodeSource { ZipFile = await File.ReadAllBytesAsync(package.ZipPath, cancellationToken) };
        var bucket = topology.Buckets.Select(b => b.Name).FirstOrDefault(n => n.EndsWith("-artifacts", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The package of {function} is over 50 MB, so it goes through S3, but the topology has no artifacts bucket.");
        var key = $"lambda/{function}/{Convert.ToHexStringLower(Convert.FromBase64String(package.CodeSha256))}.zip";
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, FilePath = package.ZipPath }, cancellationToken);
        logger.LogInformation("Package of {Function} ({Size:N0} bytes, over Lambda's 50 MB request limit) uploaded to s3://{Bucket}/{Key}", function, package.Size, bucket, key);
        return new FunctionCodeSource { S3Bucket = bucket, S3Key = key };
    }

    private async Task EnsureEventSource(EventSourceSpec source, IReadOnlyDictionary<string, string> arns, LambdaApi lambda, CancellationToken cancellationToken)
    {
        var queueArn = arns.TryGetValue(source.Queue, out var arn)
            ? arn
            : throw new InvalidOperationException($"The event source of {source.Function} names queue '{source.Queue}', which the topology does not declare.");
        var wanted = new EventSourceMappingRequest
        {
            EventSourceArn = queueArn,
            FunctionName = source.Function,
            BatchSize = source.BatchSize,
            FunctionResponseTypes = ["ReportBatchItemFailures"],
            ScalingConfig = source.MaximumConcurrency is { } max ? new ScalingConfig(max) : null,
        };
        var existing = (await lambda.ListEventSourceMappingsAsync(source.Function, cancellationToken)).FirstOrDefault(m => m.EventSourceArn == queueArn);
        if (existing is null)
        {
            await lambda.CreateEventSourceMappingAsync(wanted, cancellationToken);
            logger.LogInformation("Queue {Queue} feeds {Function} (batches of {BatchSize})", source.Queue, source.Function, source.BatchSize);
        }
        else if (existing.BatchSize != source.BatchSize || existing.ScalingConfig?.MaximumConcurrency != source.MaximumConcurrency ||
            existing.FunctionResponseTypes?.Contains("ReportBatchItemFailures") != true || existing.State == "Disabled")
        {
            await lambda.UpdateEventSourceMappingAsync(existing.UUID, wanted, cancellationToken);
            logger.LogInformation("Event source mapping {Queue} -> {Function} updated", source.Queue, source.Function);
        }
    }

    private async Task EnsureBucket(string name, CancellationToken cancellationToken)
    {
        try
        {
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = name }, cancellationToken);
            logger.LogInformation("Created bucket {Bucket}", name);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "BucketAlreadyOwnedByYou")
        {
            logger.LogInformation("Bucket {Bucket} exists", name);
        }
    }

    private async Task<string> EnsureQueue(QueueSpec queue, IReadOnlyDictionary<string, string> arns, CancellationToken cancellationToken)
    {
        var attributes = new Dictionary<string, string>(queue.Attributes);
        if (queue.DeadLetter is { } deadLetter)
        {
            attributes["RedrivePolicy"] = JsonSerializer.Serialize(
                new RedrivePolicyJson(arns[deadLetter.QueueName], deadLetter.MaxReceiveCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                TopologyJson.Default.RedrivePolicyJson);
        }
        string url;
        try
        {
            url = (await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = queue.Name, Attributes = attributes }, cancellationToken)).QueueUrl;
            logger.LogInformation("Queue {Queue} ready", queue.Name);
        }
        catch (AmazonSQSException e) when (e.ErrorCode is "QueueAlreadyExists" or "QueueNameExists")
        {
            // It exists with other attributes: bring them to the description.
            url = (await sqs.GetQueueUrlAsync(queue.Name, cancellationToken)).QueueUrl;
            await sqs.SetQueueAttributesAsync(url, attributes, cancellationToken);
            logger.LogInformation("Queue {Queue} existed with other attributes; updated them", queue.Name);
        }
        return (await sqs.GetQueueAttributesAsync(url, ["QueueArn"], cancellationToken)).QueueARN;
    }

    private static QueueConfiguration QueueConfiguration(NotificationSpec notification, IReadOnlyDictionary<string, string> arns)
    {
        var rules = new List<FilterRule>();
        if (notification.Prefix is not null) rules.Add(new FilterRule("prefix", notification.Prefix));
        if (notification.Suffix is not null) rules.Add(new FilterRule("suffix", notification.Suffix));
        return new QueueConfiguration
        {
            Id = notification.Id,
            Queue = arns.TryGetValue(notification.Queue, out var arn)
                ? arn
                : throw new InvalidOperationException($"Notification '{notification.Id}' names queue '{notification.Queue}', which the topology does not declare."),
            Events = notification.Events.Select(e => new EventType(e)).ToList(),
            Filter = rules.Count == 0 ? null : new Filter { S3KeyFilter = new S3KeyFilter { FilterRules = rules } },
        };
    }

    /// <summary>Dead-letter queues before the queues that name them.</summary>
    private static IEnumerable<QueueSpec> InDependencyOrder(IReadOnlyList<QueueSpec> queues)
    {
        var declared = queues.Select(q => q.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var queue in queues.Where(q => q.DeadLetter is { } d && !declared.Contains(d.QueueName)))
        {
            throw new InvalidOperationException($"Queue '{queue.Name}' sends dead letters to '{queue.DeadLetter!.QueueName}', which the topology does not declare.");
        }
        return queues.OrderBy(q => q.DeadLetter is null ? 0 : 1);
    }
}

internal sealed record RedrivePolicyJson(
    [property: System.Text.Json.Serialization.JsonPropertyName("deadLetterTargetArn")] string DeadLetterTargetArn,
    [property: System.Text.Json.Serialization.JsonPropertyName("maxReceiveCount")] string MaxReceiveCount);

[System.Text.Json.Serialization.JsonSerializable(typeof(RedrivePolicyJson))]
internal sealed partial class TopologyJson : System.Text.Json.Serialization.JsonSerializerContext;
