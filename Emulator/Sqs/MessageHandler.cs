using System.Globalization;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Protocol;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Sqs;

/// <summary>Message operations: send, receive (with long polling), delete and visibility changes, single and batched.</summary>
internal sealed class MessageHandler(EmulatorStore store, SqsStore sqs, EmulatorOptions options, TimeProvider clock)
    : SqsHandlerBase(store, sqs, options, clock)
{
    private const int MaxVisibilityTimeout = 43200;

    public async Task<SendMessageResponse> SendMessage(SqsCall call, SendMessageRequest request)
    {
        var message = Prepare(request.MessageBody, request.DelaySeconds, request.MessageAttributes, request.MessageSystemAttributes);
        await Store.WriteAsync(changes =>
        {
            var queue = ResolveQueue(request.QueueUrl);
            CheckSize(queue, message);
            Sqs.Enqueue(changes, queue, message, Now);
        });
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
        await Store.WriteAsync(changes =>
        {
            var queue = ResolveQueue(request.QueueUrl);
            var now = Now;
            foreach (var (entry, message, error) in prepared)
            {
                try
                {
                    if (error is not null) throw error;
                    CheckSize(queue, message!);
                    Sqs.Enqueue(changes, queue, message!, now);
                    successful.Add(new SendMessageBatchResultEntry(entry.Id!, message!.Content.MessageId, message.Content.BodyMd5, message.Content.AttributesMd5));
                }
                catch (AwsException entryError)
                {
                    failed.Add(Failure(entry.Id!, entryError));
                }
            }
        });
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
            var (received, done, changed, wakeAt) = await Store.WriteAsync(changes =>
            {
                var queue = ResolveQueue(request.QueueUrl);
                var now = Now;
                if (deadline == 0) deadline = now + 1000L * (request.WaitTimeSeconds ?? queue.Settings.ReceiveMessageWaitTimeSeconds);
                var taken = Sqs.Receive(changes, queue, max, request.VisibilityTimeout ?? queue.Settings.VisibilityTimeout, now);
                var messages = taken.Select(m => ToDto(queue, m, selection, call.AccessKey)).ToList();
                var finished = messages.Count > 0 || now >= deadline;
                return (messages, finished, finished ? Task.CompletedTask : queue.Changed, Math.Min(deadline, queue.NextVisibleAt() ?? deadline));
            });
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
        await Store.WriteAsync(changes => Sqs.Delete(changes, ResolveQueue(request.QueueUrl), handle, request.ReceiptHandle));
        return new EmptyResponse();
    }

    public Task<BatchResponse> DeleteMessageBatch(SqsCall call, DeleteMessageBatchRequest request) =>
        RunBatch(request.QueueUrl, request.Entries, e => e.Id,
            (changes, queue, entry) => Sqs.Delete(changes, queue, ReceiptHandle.Parse(entry.ReceiptHandle), entry.ReceiptHandle));

    public async Task<EmptyResponse> ChangeMessageVisibility(SqsCall call, ChangeMessageVisibilityRequest request)
    {
        var handle = ReceiptHandle.Parse(request.ReceiptHandle);
        await Store.WriteAsync(changes => ChangeVisibility(changes, ResolveQueue(request.QueueUrl), handle, request.ReceiptHandle, request.VisibilityTimeout));
        return new EmptyResponse();
    }

    public Task<BatchResponse> ChangeMessageVisibilityBatch(SqsCall call, ChangeMessageVisibilityBatchRequest request) =>
        RunBatch(request.QueueUrl, request.Entries, e => e.Id,
            (changes, queue, entry) => ChangeVisibility(changes, queue, ReceiptHandle.Parse(entry.ReceiptHandle), entry.ReceiptHandle, entry.VisibilityTimeout));

    /// <summary>Applies <paramref name="change"/> to each entry in one change of the store, reporting each entry's
    /// failure on its own.</summary>
    private async Task<BatchResponse> RunBatch<TEntry>(string? queueUrl, List<TEntry>? entries, Func<TEntry, string?> id,
        Action<StoreChanges, SqsQueue, TEntry> change)
    {
        RequireEntries(entries, id);
        var successful = new List<BatchResultEntry>();
        var failed = new List<BatchResultErrorEntry>();
        await Store.WriteAsync(changes =>
        {
            var queue = ResolveQueue(queueUrl);
            foreach (var entry in entries!)
            {
                try
                {
                    change(changes, queue, entry);
                    successful.Add(new BatchResultEntry(id(entry)!));
                }
                catch (AwsException error)
                {
                    failed.Add(Failure(id(entry)!, error));
                }
            }
        });
        return new BatchResponse(successful, failed);
    }

    /// <summary>Deletes messages whose retention period has passed. Called periodically and returns how many went.</summary>
    public Task<int> RemoveExpiredAsync() => Store.WriteAsync(changes => Sqs.RemoveExpired(changes, Now));

    private PreparedMessage Prepare(string? body, int? delaySeconds, Dictionary<string, MessageAttributeDto>? attributes, Dictionary<string, MessageAttributeDto>? systemAttributes)
    {
        if (body is null) throw SqsErrors.MissingParameter("MessageBody");
        if (body.Length == 0) throw SqsErrors.InvalidParameterValue("The message body must be at least one character long.");
        if (!MessageValidation.HasOnlyAllowedCharacters(body))
        {
            throw SqsErrors.InvalidMessageContents("Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.");
        }
        if (delaySeconds is < 0 or > 900) throw SqsErrors.InvalidParameterValue($"Value {delaySeconds} for parameter DelaySeconds is invalid. Reason: Must be >= 0 and <= 900.");
        return PreparedMessage.Create(body, MessageValidation.Attributes(attributes), MessageValidation.TraceHeader(systemAttributes), Now, delaySeconds);
    }

    private static void CheckSize(SqsQueue queue, PreparedMessage message)
    {
        if (message.Size > queue.Settings.MaximumMessageSize)
        {
            throw SqsErrors.InvalidParameterValue(
                $"One or more parameters are invalid. Reason: Message must be shorter than {queue.Settings.MaximumMessageSize} bytes (this one is {message.Size}).");
        }
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

    private void ChangeVisibility(StoreChanges changes, SqsQueue queue, ReceiptHandle handle, string? text, int? visibilityTimeout)
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
        Sqs.ChangeVisibility(changes, queue, message, now + 1000L * visibilityTimeout.Value);
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
