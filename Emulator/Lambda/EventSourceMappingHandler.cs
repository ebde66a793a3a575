using System.Globalization;
using FaceRecognition.Emulator.Sqs;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Lambda;

/// <summary>Event source mappings for SQS queues: create, get, list, update, delete; checked as Lambda checks them.</summary>
internal sealed class EventSourceMappingHandler(EmulatorStore store, LambdaStore lambda, SqsStore sqs, LambdaNames names, SqsEventSources pollers, TimeProvider clock)
{
    private const int DefaultBatchSize = 10;
    private const int MaxListItems = 100;

    public async Task CreateEventSourceMapping(LambdaCall call)
    {
        var request = call.Read(LambdaJson.Default.EventSourceMappingRequest);
        var functionName = names.FunctionName(request.FunctionName);
        if (string.IsNullOrEmpty(request.EventSourceArn)) throw LambdaErrors.InvalidParameter("An event source mapping needs an EventSourceArn (the emulator polls SQS queues).");
        var queueName = QueueName(request.EventSourceArn);
        var mapping = Checked(new EventSourceMappingRecord(Guid.NewGuid().ToString(), functionName, request.EventSourceArn, request.BatchSize ?? DefaultBatchSize,
            request.MaximumBatchingWindowInSeconds ?? 0, request.Enabled ?? true, request.FunctionResponseTypes ?? [], request.ScalingConfig?.MaximumConcurrency, Now));
        await store.WriteAsync(changes =>
        {
            var function = lambda.GetFunction(functionName, names.FunctionArn(functionName));
            CheckVisibility(queueName, function);
            if (lambda.Mappings().FirstOrDefault(m => m.FunctionName == functionName && m.EventSourceArn == mapping.EventSourceArn) is { } existing)
            {
                throw LambdaErrors.Conflict(
                    $"An event source mapping with SQS arn (\" {mapping.EventSourceArn} \") and function (\" {functionName} \") already exists. Please update or delete the existing mapping with UUID {existing.Uuid}");
            }
            lambda.PutMapping(changes, mapping);
        });
        await call.Json(202, Configuration(mapping, "Creating"), LambdaJson.Default.EventSourceMappingConfiguration);
    }

    public Task GetEventSourceMapping(LambdaCall call, string uuid)
    {
        var mapping = store.Read(() => lambda.GetMapping(uuid));
        return call.Json(200, Configuration(mapping), LambdaJson.Default.EventSourceMappingConfiguration);
    }

    public Task ListEventSourceMappings(LambdaCall call)
    {
        var functionName = call.Target.Get("FunctionName") is { } parameter ? names.FunctionName(parameter) : null;
        var source = call.Target.Get("EventSourceArn");
        var marker = call.Target.Get("Marker");
        var max = call.Target.Get("MaxItems") is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 10000 ? Math.Min(n, MaxListItems)
                : throw LambdaErrors.Validation("maxItems", text, "Member must have value between 1 and 10000")
            : MaxListItems;
        var matching = store.Read(lambda.Mappings)
            .Where(m => (functionName is null || m.FunctionName == functionName) && (source is null || m.EventSourceArn == source))
            .ToList();
        var start = marker is null ? 0 : matching.FindIndex(m => m.Uuid == marker) + 1;
        var page = matching.Skip(start).Take(max).ToList();
        var next = start + page.Count < matching.Count ? page[^1].Uuid : null;
        return call.Json(200, new ListEventSourceMappingsResponse([.. page.Select(m => Configuration(m))], next), LambdaJson.Default.ListEventSourceMappingsResponse);
    }

    public async Task UpdateEventSourceMapping(LambdaCall call, string uuid)
    {
        var request = call.Read(LambdaJson.Default.EventSourceMappingRequest);
        var functionName = request.FunctionName is null ? null : names.FunctionName(request.FunctionName);
        var updated = await store.WriteAsync(changes =>
        {
            var current = lambda.GetMapping(uuid);
            var next = Checked(current with
            {
                FunctionName = functionName ?? current.FunctionName,
                BatchSize = request.BatchSize ?? current.BatchSize,
                MaximumBatchingWindowInSeconds = request.MaximumBatchingWindowInSeconds ?? current.MaximumBatchingWindowInSeconds,
                Enabled = request.Enabled ?? current.Enabled,
                FunctionResponseTypes = request.FunctionResponseTypes ?? current.FunctionResponseTypes,
                MaximumConcurrency = request.ScalingConfig is null ? current.MaximumConcurrency : request.ScalingConfig.MaximumConcurrency,
                LastModified = Now,
            });
            CheckVisibility(QueueName(next.EventSourceArn), lambda.GetFunction(next.FunctionName, names.FunctionArn(next.FunctionName)));
            lambda.PutMapping(changes, next);
            return next;
        });
        await call.Json(202, Configuration(updated, "Updating"), LambdaJson.Default.EventSourceMappingConfiguration);
    }

    public async Task DeleteEventSourceMapping(LambdaCall call, string uuid)
    {
        var deleted = await store.WriteAsync(changes =>
        {
            var mapping = lambda.GetMapping(uuid);
            lambda.DeleteMapping(changes, mapping);
            return mapping;
        });
        await call.Json(202, Configuration(deleted, "Deleting"), LambdaJson.Default.EventSourceMappingConfiguration);
    }

    private static EventSourceMappingRecord Checked(EventSourceMappingRecord mapping)
    {
        if (mapping.MaximumBatchingWindowInSeconds is < 0 or > 300)
        {
            throw LambdaErrors.Validation("maximumBatchingWindowInSeconds", mapping.MaximumBatchingWindowInSeconds, "Member must have value between 0 and 300");
        }
        if (mapping.BatchSize is < 1 or > 10000) throw LambdaErrors.Validation("batchSize", mapping.BatchSize, "Member must have value between 1 and 10000");
        if (mapping.BatchSize > 10 && mapping.MaximumBatchingWindowInSeconds < 1)
        {
            throw LambdaErrors.InvalidParameter("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10");
        }
        if (mapping.FunctionResponseTypes.Any(t => t != SqsEventSources.ReportBatchItemFailures))
        {
            throw LambdaErrors.Validation("functionResponseTypes", string.Join(",", mapping.FunctionResponseTypes), "Member must satisfy enum value set: [ReportBatchItemFailures]");
        }
        if (mapping.MaximumConcurrency is < 2 or > 1000)
        {
            throw LambdaErrors.Validation("scalingConfig.maximumConcurrency", mapping.MaximumConcurrency, "Member must have value between 2 and 1000");
        }
        return mapping;
    }

    private string QueueName(string arn)
    {
        if (!arn.StartsWith("arn:aws:sqs:", StringComparison.Ordinal)) throw LambdaErrors.NotSupported($"Event source {arn} (only SQS queues are polled)");
        return names.QueueName(arn) ?? throw LambdaErrors.InvalidParameter($"The provided event source arn {arn} is not a queue of this account and region.");
    }

    /// <summary>Lambda insists that a message stays hidden for at least as long as the function may take with it.</summary>
    private void CheckVisibility(string queueName, FunctionRecord function)
    {
        var queue = sqs.FindQueue(queueName) ?? throw LambdaErrors.InvalidParameter(
            $"Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue {queueName} does not exist.");
        if (queue.Settings.VisibilityTimeout < function.Timeout)
        {
            throw LambdaErrors.InvalidParameter($"Queue visibility timeout: {queue.Settings.VisibilityTimeout} seconds is less than Function timeout: {function.Timeout} seconds");
        }
    }

    private EventSourceMappingConfiguration Configuration(EventSourceMappingRecord mapping, string? transition = null) => new(
        mapping.Uuid,
        mapping.BatchSize,
        mapping.MaximumBatchingWindowInSeconds,
        mapping.EventSourceArn,
        names.FunctionArn(mapping.FunctionName),
        mapping.LastModified / 1000.0,
        pollers.LastProcessingResult(mapping.Uuid),
        transition ?? (mapping.Enabled ? "Enabled" : "Disabled"),
        "USER_INITIATED",
        mapping.FunctionResponseTypes,
        mapping.MaximumConcurrency is { } max ? new ScalingConfigDto { MaximumConcurrency = max } : null);

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();
}
