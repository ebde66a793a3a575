using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.Cloud.Topology;

/// <summary>
/// Creates a <see cref="CloudTopology"/> through the AWS SDK, whichever cloud answers. Idempotent: what exists is kept
/// (its queue attributes brought to the description), what is missing is created; safe to run at every start.
/// </summary>
public sealed class TopologyProvisioner(IAmazonS3 s3, IAmazonSQS sqs, ILogger logger)
{
    public async Task ProvisionAsync(CloudTopology topology, CancellationToken cancellationToken)
    {
        foreach (var bucket in topology.Buckets) await EnsureBucket(bucket.Name, cancellationToken);

        var arns = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var queue in InDependencyOrder(topology.Queues))
        {
            arns[queue.Name] = await EnsureQueue(queue, arns, cancellationToken);
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
