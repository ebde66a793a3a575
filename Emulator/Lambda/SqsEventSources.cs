using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Lambda.Execution;
using FaceRecognition.Emulator.Sqs;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Lambda;

/// <summary>
/// Event source mappings on SQS queues, as Lambda runs them: for each enabled mapping, a poller long-polls the queue
/// (through the store, as any receive) for up to BatchSize messages (gathering for MaximumBatchingWindowInSeconds),
/// only when the function could run them at once, with up to ScalingConfig.MaximumConcurrency batches in flight; each
/// batch is one synchronous invocation. A batch whose invocation succeeded is deleted, except the messages the function
/// names in <c>batchItemFailures</c> (with <c>ReportBatchItemFailures</c>); a failed invocation deletes nothing, so
/// its messages return after their visibility timeout, and the queue's redrive policy moves the ones that keep failing
/// to its dead-letter queue.
/// </summary>
internal sealed class SqsEventSources(
    EmulatorStore store,
    LambdaStore lambda,
    SqsStore sqs,
    LambdaNames names,
    LambdaExecutor executor,
    EmulatorOptions options,
    TimeProvider clock,
    ILogger<SqsEventSources> logger) : BackgroundService
{
    public const string ReportBatchItemFailures = "ReportBatchItemFailures";
    private static readonly TimeSpan s_longPoll = TimeSpan.FromSeconds(20);

    private readonly Dictionary<string, (EventSourceMappingRecord Mapping, CancellationTokenSource Stop, Task Run)> _pollers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _lastResults = new(StringComparer.Ordinal);

    /// <summary>What a mapping's last batch came to, as GetEventSourceMapping reports it.</summary>
    public string LastProcessingResult(string uuid) => _lastResults.GetValueOrDefault(uuid, "No records processed");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var (mappings, changed) = store.Read(() => (lambda.Mappings(), lambda.Changed));
                await Reconcile(mappings.Where(m => m.Enabled).ToList(), stoppingToken);
                await changed.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        finally
        {
            await Reconcile([], stoppingToken);
        }
    }

    /// <summary>Starts a poller for each wanted mapping and stops the others (a changed mapping restarts).</summary>
    private async Task Reconcile(List<EventSourceMappingRecord> wanted, CancellationToken stoppingToken)
    {
        foreach (var (uuid, poller) in _pollers.ToList())
        {
            if (wanted.Any(m => m == poller.Mapping)) continue;
            _pollers.Remove(uuid);
            await poller.Stop.CancelAsync();
            await poller.Run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            poller.Stop.Dispose();
        }
        foreach (var mapping in wanted.Where(m => !_pollers.ContainsKey(m.Uuid)))
        {
            var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            _pollers[mapping.Uuid] = (mapping, stop, Task.Run(() => PollAsync(mapping, stop.Token), CancellationToken.None));
        }
    }

    private async Task PollAsync(EventSourceMappingRecord mapping, CancellationToken stop)
    {
        var queueName = names.QueueName(mapping.EventSourceArn)!;
        var batches = new List<Task>();
        var maxBatches = mapping.MaximumConcurrency ?? int.MaxValue;
        logger.LogInformation("Event source mapping {Uuid}: polling {Queue} for {Function} (batches of up to {BatchSize})", mapping.Uuid, queueName, mapping.FunctionName,
            mapping.BatchSize);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                batches.RemoveAll(t => t.IsCompleted);
                if (batches.Count >= maxBatches)
                {
                    await Task.WhenAny(batches).WaitAsync(stop);
                    continue;
                }
                await executor.WaitForCapacityAsync(mapping.FunctionName, stop);
                var batch = await ReceiveAsync(queueName, mapping, stop);
                if (batch.Count > 0) batches.Add(ProcessAsync(mapping, queueName, batch, stop));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                logger.LogError(e, "Event source mapping {Uuid} ({Queue} -> {Function}) failed to poll; trying again in a second", mapping.Uuid, queueName, mapping.FunctionName);
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        await Task.WhenAll(batches).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Waits up to 20 s for messages; once one is in, gathers more until the batch is full or the batching
    /// window has passed.</summary>
    private async Task<List<ReceivedMessage>> ReceiveAsync(string queueName, EventSourceMappingRecord mapping, CancellationToken stop)
    {
        var received = new List<ReceivedMessage>();
        var deadline = clock.GetUtcNow() + s_longPoll;
        DateTimeOffset? windowEnd = null;
        while (true)
        {
            var now = clock.GetUtcNow();
            var (taken, changed, nextVisible) = await store.WriteAsync(changes =>
            {
                if (sqs.FindQueue(queueName) is not { } queue) return ([], Task.Delay(TimeSpan.FromSeconds(1), clock), (long?)null);
                // Deleted, disabled or changed since this poller started: it takes nothing from the moment that change
                // is made (the same lock orders the two), though the poller itself is stopped a little later.
                if (!lambda.IsCurrentAndEnabled(mapping)) return ([], Task.Delay(TimeSpan.FromMilliseconds(100), clock), (long?)null);
                var messages = sqs.Receive(changes, queue, mapping.BatchSize - received.Count, queue.Settings.VisibilityTimeout, now.ToUnixTimeMilliseconds());
                return (messages.Select(m => new ReceivedMessage(m.Content, m.State, new ReceiptHandle(queue.Name, m.Sequence, m.State.ReceiptNonce!).ToString())).ToList(),
                    queue.Changed, queue.NextVisibleAt());
            });
            received.AddRange(taken);
            if (received.Count > 0 && windowEnd is null) windowEnd = now + TimeSpan.FromSeconds(mapping.MaximumBatchingWindowInSeconds);
            if (received.Count >= mapping.BatchSize || received.Count > 0 && now >= windowEnd) return received;
            if (received.Count == 0 && now >= deadline) return received;
            var until = windowEnd ?? deadline;
            if (nextVisible is { } visibleAt && visibleAt < until.ToUnixTimeMilliseconds()) until = DateTimeOffset.FromUnixTimeMilliseconds(visibleAt);
            await changed.WaitAsync(Max(until - now, TimeSpan.FromMilliseconds(1)), clock, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            stop.ThrowIfCancellationRequested();
        }
    }

    private async Task ProcessAsync(EventSourceMappingRecord mapping, string queueName, List<ReceivedMessage> batch, CancellationToken stop)
    {
        var invocation = new Invocation(Guid.NewGuid().ToString(), EventJson(mapping.EventSourceArn, batch), mapping.Uuid);
        InvocationResult result;
        try
        {
            result = await executor.InvokeAsync(mapping.FunctionName, invocation, queue: true, stop);
        }
        catch (Exception e) when (e is OperationCanceledException or Protocol.AwsException)
        {
            // Stopping, or the function is gone: the messages come back after their visibility timeout.
            return;
        }
        var succeeded = Succeeded(mapping, batch, result, out var outcome);
        _lastResults[mapping.Uuid] = outcome;
        if (succeeded.Count == 0) return;
        await store.WriteAsync(changes =>
        {
            if (sqs.FindQueue(queueName) is not { } queue) return;
            foreach (var message in succeeded) sqs.Delete(changes, queue, ReceiptHandle.Parse(message.ReceiptHandle), message.ReceiptHandle);
        });
    }

    /// <summary>The messages to delete after an invocation, as Lambda decides it: none when the invocation failed; with
    /// ReportBatchItemFailures, all but those the response names, or none when the response is not a valid one.</summary>
    private static List<ReceivedMessage> Succeeded(EventSourceMappingRecord mapping, List<ReceivedMessage> batch, InvocationResult result, out string outcome)
    {
        if (result.Failed)
        {
            outcome = "PROBLEM: Function call failed";
            return [];
        }
        outcome = "OK";
        if (!mapping.FunctionResponseTypes.Contains(ReportBatchItemFailures)) return batch;
        var failed = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(result.Payload.Length == 0 ? "null"u8.ToArray() : result.Payload);
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("batchItemFailures", out var failures) || failures.ValueKind == JsonValueKind.Null)
            {
                return batch;
            }
            foreach (var failure in failures.EnumerateArray())
            {
                var id = failure.TryGetProperty("itemIdentifier", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                if (string.IsNullOrEmpty(id) || batch.All(m => m.Content.MessageId != id))
                {
                    outcome = "PROBLEM: Function response named an item that is not in the batch";
                    return [];
                }
                failed.Add(id);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            outcome = "PROBLEM: Function response is not a valid batch response";
            return [];
        }
        return [.. batch.Where(m => !failed.Contains(m.Content.MessageId))];
    }

    /// <summary>The SQS event Lambda hands a function: the messages as records.</summary>
    private byte[] EventJson(string queueArn, List<ReceivedMessage> batch)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("Records");
            foreach (var (content, state, receiptHandle) in batch)
            {
                json.WriteStartObject();
                json.WriteString("messageId", content.MessageId);
                json.WriteString("receiptHandle", receiptHandle);
                json.WriteString("body", content.Body);
                json.WriteStartObject("attributes");
                json.WriteString("ApproximateReceiveCount", state.ReceiveCount.ToString(CultureInfo.InvariantCulture));
                json.WriteString("SentTimestamp", content.SentTimestamp.ToString(CultureInfo.InvariantCulture));
                json.WriteString("SenderId", options.AccountId);
                json.WriteString("ApproximateFirstReceiveTimestamp", state.FirstReceiveTimestamp.ToString(CultureInfo.InvariantCulture));
                if (content.TraceHeader is not null) json.WriteString("AWSTraceHeader", content.TraceHeader);
                json.WriteEndObject();
                json.WriteStartObject("messageAttributes");
                foreach (var (name, value) in content.Attributes ?? new Dictionary<string, Storage.MessageAttributeValue>())
                {
                    json.WriteStartObject(name);
                    if (value.StringValue is not null) json.WriteString("stringValue", value.StringValue);
                    if (value.BinaryValue is not null) json.WriteBase64String("binaryValue", value.BinaryValue);
                    json.WriteStartArray("stringListValues");
                    json.WriteEndArray();
                    json.WriteStartArray("binaryListValues");
                    json.WriteEndArray();
                    json.WriteString("dataType", value.DataType);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
                json.WriteString("md5OfBody", content.BodyMd5);
                if (content.AttributesMd5 is not null) json.WriteString("md5OfMessageAttributes", content.AttributesMd5);
                json.WriteString("eventSource", "aws:sqs");
                json.WriteString("eventSourceARN", queueArn);
                json.WriteString("awsRegion", options.Region);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>A message as received for a batch (its state as of that receive).</summary>
    private sealed record ReceivedMessage(MessageContent Content, MessageState State, string ReceiptHandle);
}
