using System.Globalization;
using System.Text.Json;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Protocol;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Sqs;

/// <summary>Message operations: send, receive (with long polling), delete and visibility changes, single and batched.</summary>
internal sealed class MessageHandler(EmulatorState state, EmulatorOptions options, TimeProvider clock)
    : SqsHandlerBase(state, options, clock)
{
    private const int MaxVisibilityTimeout = 43200;

    public async Task<SendMessageResponse> SendMessage(SqsCall call, SendMessageRequest request)
    {
        var message = Prepare(request.MessageBody, request.DelaySeconds, request.MessageAttributes, request.MessageSystemAttributes);
        CommitLog.Commit commit;
        lock (State.Lock)
        {
            var queue = ResolveQueueLocked(request.QueueUrl);
            CheckSize(queue, message);
            commit = State.Log.Append(EnqueueLocked(State, queue, message, Now));
        }
        await commit;
        return new SendMessageResponse(message.Content.MessageId, message.Content.BodyMd5, message.Content.AttributesMd5);
    }

    public async Task<SendMessageBatchResponse> SendMessageBatch(SqsCall call, SendMessageBatchRequest request)
    {
        RequireEntries(request.Entries, e => e.Id);
        var prepared = new List<(SendMessageBatchEntry Entry, PreparedMessage? Message, AwsException? Error)>();
        long totalSize = 0;
        foreach (var entry in request.Entries!)
        {
            try
            {
                var message = Prepare(entry.MessageBody, entry.DelaySeconds, entry.MessageAttributes, entry.MessageSystemAttributes);
                totalSize += message.Size;
                prepared.Add((entry, message, null));
            }
            catch (AwsException error)
            {
                prepared.Add((entry, null, error));
            }
        }
        if (totalSize > QueueAttributes.MaxMessageSizeLimit) throw SqsErrors.BatchRequestTooLong(totalSize, QueueAttributes.MaxMessageSizeLimit);

        var successful = new List<SendMessageBatchResultEntry>();
        var failed = new List<BatchResultErrorEntry>();
        var writes = new List<Action<StoreTransaction>>();
        CommitLog.Commit? commit = null;
        lock (State.Lock)
        {
            var queue = ResolveQueueLocked(request.QueueUrl);
            var now = Now;
            foreach (var (entry, message, error) in prepared)
            {
                try
                {
                    if (error is not null) throw error;
                    CheckSize(queue, message!);
                    writes.Add(EnqueueLocked(State, queue, message!, now));
                    successful.Add(new SendMessageBatchResultEntry(entry.Id!, message!.Content.MessageId, message.Content.BodyMd5, message.Content.AttributesMd5));
                }
                catch (AwsException entryError)
                {
                    failed.Add(Failure(entry.Id!, entryError));
                }
            }
            if (writes.Count > 0) commit = State.Log.Append(tx => writes.ForEach(write => write(tx)));
        }
        if (commit is not null) await commit;
        return new SendMessageBatchResponse(successful, failed);
    }

    public async Task<ReceiveMessageResponse> ReceiveMessage(SqsCall call, ReceiveMessageRequest request)
    {
        var max = request.MaxNumberOfMessages ?? 1;
        if (max is < 1 or > 10) throw SqsErrors.InvalidParameterValue($"Value {max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.");
        if (request.VisibilityTimeout is < 0 or > MaxVisibilityTimeout) throw SqsErrors.InvalidParameterValue($"Value {request.VisibilityTimeout} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and {MaxVisibilityTimeout}.");
        if (request.WaitTimeSeconds is < 0 or > 20) throw SqsErrors.InvalidParameterValue($"Value {request.WaitTimeSeconds} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.");
        var selection = new AttributeSelection(request.AttributeNames, request.MessageSystemAttributeNames, request.MessageAttributeNames);

        long deadline = 0;
        while (true)
        {
            List<MessageDto> received;
            CommitLog.Commit? commit = null;
            Task changed;
            long wakeAt;
            bool done;
            lock (State.Lock)
            {
                var queue = ResolveQueueLocked(request.QueueUrl);
                var now = Now;
                if (deadline == 0) deadline = now + 1000L * (request.WaitTimeSeconds ?? queue.Settings.ReceiveMessageWaitTimeSeconds);
                var visibility = request.VisibilityTimeout ?? queue.Settings.VisibilityTimeout;
                received = TakeLocked(queue, max, visibility, now, selection, call.AccessKey, out var writes);
                if (writes.Count > 0) commit = State.Log.Append(tx => writes.ForEach(write => write(tx)));
                done = received.Count > 0 || now >= deadline;
                changed = done ? Task.CompletedTask : queue.Changed;
                wakeAt = Math.Min(deadline, queue.NextVisibleAt() ?? deadline);
            }
            if (commit is not null) await commit;
            if (done) return new ReceiveMessageResponse(received.Count == 0 ? null : received);

            // Sleep until a send or visibility change, the next message's visibility time, or the end of the wait.
            var sleep = TimeSpan.FromMilliseconds(Math.Max(1, wakeAt - Now));
            await changed.WaitAsync(sleep, Clock, call.Aborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            call.Aborted.ThrowIfCancellationRequested();
        }
    }

    public async Task<EmptyResponse> DeleteMessage(SqsCall call, DeleteMessageRequest request)
    {
        var handle = ReceiptHandle.Parse(request.ReceiptHandle);
        CommitLog.Commit? commit;
        lock (State.Lock)
        {
            var queue = ResolveQueueLocked(request.QueueUrl);
            commit = DeleteLocked(queue, handle, request.ReceiptHandle);
        }
        if (commit is not null) await commit;
        return new EmptyResponse();
    }

    public Task<BatchResponse> DeleteMessageBatch(SqsCall call, DeleteMessageBatchRequest request) =>
        RunBatch(request.QueueUrl, request.Entries, e => e.Id,
            (queue, entry) => DeleteLocked(queue, ReceiptHandle.Parse(entry.ReceiptHandle), entry.ReceiptHandle));

    public async Task<EmptyResponse> ChangeMessageVisibility(SqsCall call, ChangeMessageVisibilityRequest request)
    {
        var handle = ReceiptHandle.Parse(request.ReceiptHandle);
        CommitLog.Commit commit;
        lock (State.Lock)
        {
            var queue = ResolveQueueLocked(request.QueueUrl);
            commit = ChangeVisibilityLocked(queue, handle, request.ReceiptHandle, request.VisibilityTimeout);
        }
        await commit;
        return new EmptyResponse();
    }

    public Task<BatchResponse> ChangeMessageVisibilityBatch(SqsCall call, ChangeMessageVisibilityBatchRequest request) =>
        RunBatch(request.QueueUrl, request.Entries, e => e.Id,
            (queue, entry) => ChangeVisibilityLocked(queue, ReceiptHandle.Parse(entry.ReceiptHandle), entry.ReceiptHandle, entry.VisibilityTimeout));

    /// <summary>Applies <paramref name="change"/> to each entry under the lock, reporting each entry's failure on its own,
    /// then waits for the commits of those that succeeded.</summary>
    private async Task<BatchResponse> RunBatch<TEntry>(string? queueUrl, List<TEntry>? entries, Func<TEntry, string?> id,
        Func<SqsQueue, TEntry, CommitLog.Commit?> change)
    {
        RequireEntries(entries, id);
        var successful = new List<BatchResultEntry>();
        var failed = new List<BatchResultErrorEntry>();
        var commits = new List<CommitLog.Commit>();
        lock (State.Lock)
        {
            var queue = ResolveQueueLocked(queueUrl);
            foreach (var entry in entries!)
            {
                try
                {
                    if (change(queue, entry) is { } commit) commits.Add(commit);
                    successful.Add(new BatchResultEntry(id(entry)!));
                }
                catch (AwsException error)
                {
                    failed.Add(Failure(id(entry)!, error));
                }
            }
        }
        foreach (var commit in commits) await commit;
        return new BatchResponse(successful, failed);
    }

    /// <summary>Deletes messages whose retention period has passed. Called periodically and returns how many went.</summary>
    public async Task<int> RemoveExpiredAsync()
    {
        var removed = new List<long>();
        CommitLog.Commit? commit = null;
        lock (State.Lock)
        {
            var now = Now;
            foreach (var queue in State.Queues.Values)
            {
                var retention = 1000L * queue.Settings.MessageRetentionPeriod;
                foreach (var message in queue.Messages.Values.Where(m => m.Content.SentTimestamp + retention <= now).ToList())
                {
                    queue.Remove(message.Sequence);
                    removed.Add(message.Sequence);
                }
            }
            if (removed.Count > 0) commit = State.Log.Append(tx => removed.ForEach(tx.DeleteMessage));
        }
        if (commit is not null) await commit;
        return removed.Count;
    }

    /// <summary>A validated message ready to be enqueued; its content is serialized once, here, for the commit log.</summary>
    internal sealed record PreparedMessage(MessageContent Content, byte[] ContentJson, long Size, int? DelaySeconds);

    internal static PreparedMessage PrepareContent(string body, Dictionary<string, MessageAttributeValue>? attributes, string? traceHeader, long sentTimestamp, int? delaySeconds)
    {
        var content = new MessageContent(
            Guid.NewGuid().ToString(),
            body,
            MessageMd5.OfBody(body),
            attributes,
            MessageMd5.OfAttributes(attributes),
            sentTimestamp,
            traceHeader);
        return new PreparedMessage(content, JsonSerializer.SerializeToUtf8Bytes(content, StorageJson.Default.MessageContent),
            MessageValidation.Size(body, attributes), delaySeconds);
    }

    /// <summary>Adds a message to a queue in memory and returns its write for the commit log. Call under the state lock;
    /// the S3 side uses it to deliver event notifications in the same commit as the object.</summary>
    internal static Action<StoreTransaction> EnqueueLocked(EmulatorState state, SqsQueue queue, PreparedMessage message, long now)
    {
        var sequence = state.NextMessageSequence();
        var delay = message.DelaySeconds ?? queue.Settings.DelaySeconds;
        var messageState = new MessageState(now + 1000L * delay, 0, 0, null);
        queue.Add(new SqsMessage(sequence, message.Content, messageState));
        var queueName = queue.Name;
        return tx => tx.InsertMessage(sequence, queueName, message.ContentJson, messageState);
    }

    private PreparedMessage Prepare(string? body, int? delaySeconds, Dictionary<string, MessageAttributeDto>? attributes, Dictionary<string, MessageAttributeDto>? systemAttributes)
    {
        if (body is null) throw SqsErrors.MissingParameter("MessageBody");
        if (body.Length == 0) throw SqsErrors.InvalidParameterValue("The message body must be at least one character long.");
        if (!MessageValidation.HasOnlyAllowedCharacters(body))
        {
            throw SqsErrors.InvalidMessageContents("Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.");
        }
        if (delaySeconds is < 0 or > 900) throw SqsErrors.InvalidParameterValue($"Value {delaySeconds} for parameter DelaySeconds is invalid. Reason: Must be >= 0 and <= 900.");
        return PrepareContent(body, MessageValidation.Attributes(attributes), MessageValidation.TraceHeader(systemAttributes), Now, delaySeconds);
    }

    private static void CheckSize(SqsQueue queue, PreparedMessage message)
    {
        if (message.Size > queue.Settings.MaximumMessageSize)
        {
            throw SqsErrors.InvalidParameterValue(
                $"One or more parameters are invalid. Reason: Message must be shorter than {queue.Settings.MaximumMessageSize} bytes (this one is {message.Size}).");
        }
    }

    private List<MessageDto> TakeLocked(SqsQueue queue, int max, int visibilityTimeout, long now, AttributeSelection selection, string accessKey, out List<Action<StoreTransaction>> writes)
    {
        writes = [];
        var taken = new List<SqsMessage>();
        var retention = 1000L * queue.Settings.MessageRetentionPeriod;
        var redrive = queue.Settings.Redrive;
        while (taken.Count < max && queue.TakeVisible(now) is { } message)
        {
            var sequence = message.Sequence;
            if (message.Content.SentTimestamp + retention <= now)
            {
                queue.Remove(sequence);
                writes.Add(tx => tx.DeleteMessage(sequence));
                continue;
            }
            if (redrive is not null && message.State.ReceiveCount >= redrive.MaxReceiveCount &&
                State.Queues.TryGetValue(redrive.TargetQueueName, out var deadLetters) && deadLetters != queue)
            {
                queue.Remove(sequence);
                var moved = message.State with { VisibleAt = now, ReceiptNonce = null };
                deadLetters.Add(new SqsMessage(sequence, message.Content, moved));
                var target = deadLetters.Name;
                writes.Add(tx => tx.MoveMessage(sequence, target, moved));
                continue;
            }
            var received = new MessageState(
                now + 1000L * visibilityTimeout,
                message.State.ReceiveCount + 1,
                message.State.FirstReceiveTimestamp == 0 ? now : message.State.FirstReceiveTimestamp,
                ReceiptHandle.NewNonce());
            message.State = received;
            writes.Add(tx => tx.UpdateMessage(sequence, received));
            taken.Add(message);
        }
        // Re-queued only now, so that a zero visibility timeout cannot hand the same message out twice in one call.
        foreach (var message in taken) queue.Requeue(message);
        return taken.Select(m => ToDto(queue, m, selection, accessKey)).ToList();
    }

    private static MessageDto ToDto(SqsQueue queue, SqsMessage message, AttributeSelection selection, string accessKey)
    {
        var content = message.Content;
        Dictionary<string, string>? system = null;
        if (selection.HasSystemAttributes)
        {
            system = [];
            void Add(string name, string? value)
            {
                if (value is not null && selection.WantsSystem(name)) system[name] = value;
            }
            Add("SenderId", accessKey);
            Add("SentTimestamp", content.SentTimestamp.ToString(CultureInfo.InvariantCulture));
            Add("ApproximateReceiveCount", message.State.ReceiveCount.ToString(CultureInfo.InvariantCulture));
            Add("ApproximateFirstReceiveTimestamp", message.State.FirstReceiveTimestamp.ToString(CultureInfo.InvariantCulture));
            Add("AWSTraceHeader", content.TraceHeader);
            if (system.Count == 0) system = null;
        }
        Dictionary<string, MessageAttributeDto>? attributes = null;
        string? attributesMd5 = null;
        if (content.Attributes is not null && selection.HasMessageAttributes)
        {
            var chosen = content.Attributes.Where(a => selection.WantsMessageAttribute(a.Key)).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
            if (chosen.Count > 0)
            {
                attributes = chosen.ToDictionary(a => a.Key, a => new MessageAttributeDto(a.Value.DataType, a.Value.StringValue, a.Value.BinaryValue));
                attributesMd5 = chosen.Count == content.Attributes.Count ? content.AttributesMd5 : MessageMd5.OfAttributes(chosen);
            }
        }
        var handle = new ReceiptHandle(queue.Name, message.Sequence, message.State.ReceiptNonce!).ToString();
        return new MessageDto(content.MessageId, handle, content.BodyMd5, content.Body, system, attributesMd5, attributes);
    }

    private CommitLog.Commit? DeleteLocked(SqsQueue queue, ReceiptHandle handle, string? text)
    {
        if (handle.Queue != queue.Name) throw SqsErrors.ReceiptHandleIsInvalid(text);
        if (!queue.Messages.TryGetValue(handle.Sequence, out var message)) return null; // already gone: deleting is idempotent
        // As AWS documents: a handle from an earlier receive succeeds but does not delete the message.
        if (message.State.ReceiptNonce != handle.Nonce) return null;
        queue.Remove(handle.Sequence);
        var sequence = handle.Sequence;
        return State.Log.Append(tx => tx.DeleteMessage(sequence));
    }

    private CommitLog.Commit ChangeVisibilityLocked(SqsQueue queue, ReceiptHandle handle, string? text, int? visibilityTimeout)
    {
        if (visibilityTimeout is null) throw SqsErrors.MissingParameter("VisibilityTimeout");
        if (visibilityTimeout is < 0 or > MaxVisibilityTimeout)
        {
            throw SqsErrors.InvalidParameterValue($"Value {visibilityTimeout} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and {MaxVisibilityTimeout}.");
        }
        if (handle.Queue != queue.Name) throw SqsErrors.ReceiptHandleIsInvalid(text);
        var now = Now;
        if (!queue.Messages.TryGetValue(handle.Sequence, out var message) || !message.IsInFlight(now)) throw SqsErrors.MessageNotInflight();
        if (message.State.ReceiptNonce != handle.Nonce)
        {
            throw SqsErrors.InvalidParameterValue($"Value {text} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.");
        }
        queue.SetVisibleAt(message, now + 1000L * visibilityTimeout.Value);
        var sequence = message.Sequence;
        var updated = message.State;
        return State.Log.Append(tx => tx.UpdateMessage(sequence, updated));
    }

    /// <summary>Which attributes a receive asked for: system attributes by name or <c>All</c>; message attributes by name,
    /// <c>All</c>, <c>.*</c> or a <c>prefix.*</c>.</summary>
    private sealed class AttributeSelection(List<string>? attributeNames, List<string>? systemNames, List<string>? messageAttributeNames)
    {
        private readonly HashSet<string> _system = [.. attributeNames ?? [], .. systemNames ?? []];
        private readonly List<string> _message = messageAttributeNames ?? [];

        public bool HasSystemAttributes => _system.Count > 0;

        public bool HasMessageAttributes => _message.Count > 0;

        public bool WantsSystem(string name) => _system.Contains("All") || _system.Contains(name);

        public bool WantsMessageAttribute(string name)
        {
            foreach (var pattern in _message)
            {
                if (pattern is "All" or ".*" || pattern == name) return true;
                if (pattern.EndsWith(".*", StringComparison.Ordinal) && name.StartsWith(pattern[..^1], StringComparison.Ordinal)) return true;
            }
            return false;
        }
    }
}
