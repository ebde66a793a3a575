using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.Cloud.Messaging;

/// <summary>
/// The system's one dead-letter rule, for every consumer of a queue: the app tier's request queue (through
/// <see cref="QueueConsumer"/>) and the functions' event queues (through the Lambda runtime's batch handling). A message
/// whose input is refused (retrying cannot help) goes to the queue's dead-letter queue at once, and one that failed on
/// the last receive the queue's redrive policy allows goes there too: in both cases sent by the consumer with its cause
/// in the message attributes <c>ErrorType</c>, <c>ErrorMessage</c> and <c>Source</c> (which the redrive alone could not
/// give it), then deleted by the caller. Any other failure comes back soon (2, 4, 8… seconds, never longer than the
/// queue's visibility timeout) instead of after the whole visibility timeout; a message handed back on shutdown comes
/// back at once. The redrive policy stays the backstop for a consumer that dies holding a message.
/// </summary>
public sealed partial class DeadLetterRule(IAmazonSQS sqs, ILogger<DeadLetterRule> logger)
{
    public const string ErrorTypeAttribute = "ErrorType";
    public const string ErrorMessageAttribute = "ErrorMessage";
    public const string SourceAttribute = "Source";

    /// <summary>SQS allows 10 message attributes; the cause takes three of them.</summary>
    private const int MaxKeptAttributes = 7;
    private const int MaxCauseLength = 1000;
    private readonly ConcurrentDictionary<string, Task<QueueRedrive>> _queues = new(StringComparer.Ordinal);

    /// <summary>The queue's URL, dead-letter queue and receive limit, looked up once per queue name (the consumer asks
    /// for every message, so a known queue costs one dictionary read).</summary>
    public Task<QueueRedrive> QueueAsync(string queueName, CancellationToken cancellationToken) =>
        _queues.TryGetValue(queueName, out var known) && known.IsCompletedSuccessfully ? known : LookUpAsync(queueName, cancellationToken);

    private Task<QueueRedrive> LookUpAsync(string queueName, CancellationToken cancellationToken) =>
        _queues.GetOrAdd(queueName, async name =>
        {
            var url = (await sqs.GetQueueUrlAsync(name, cancellationToken)).QueueUrl;
            var attributes = (await sqs.GetQueueAttributesAsync(url, ["VisibilityTimeout", "RedrivePolicy"], cancellationToken)).Attributes ?? [];
            var visibility = attributes.TryGetValue("VisibilityTimeout", out var v) && int.TryParse(v, CultureInfo.InvariantCulture, out var seconds) ? seconds : 30;
            if (!attributes.TryGetValue("RedrivePolicy", out var redrive) || Redrive(redrive) is not { } policy) return new QueueRedrive(url, null, null, visibility);
            var deadLetterUrl = (await sqs.GetQueueUrlAsync(policy.Queue, cancellationToken)).QueueUrl;
            return new QueueRedrive(url, deadLetterUrl, policy.MaxReceiveCount, visibility);
        }).ContinueWith(t =>
        {
            // A failed look-up is tried again next time rather than remembered.
            if (!t.IsCompletedSuccessfully) _queues.TryRemove(queueName, out _);
            return t;
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap();

    /// <summary>Settles a failed message. Returns true when it went to the dead-letter queue (the caller deletes it from
    /// its queue); false when it is to come back.</summary>
    public async Task<bool> SettleAsync(FailedMessage message, CancellationToken cancellationToken)
    {
        var queue = await QueueAsync(message.QueueName, cancellationToken);
        var failure = message.Failure;
        if (failure.Kind != FailureKind.HandedBack && queue.DeadLetterUrl is { } deadLetterUrl
            && (failure.Kind == FailureKind.Rejected || queue.IsLastReceive(message.ReceiveCount)))
        {
            var cause = failure.Cause is { Length: > MaxCauseLength } longCause ? longCause[..MaxCauseLength] : failure.Cause;
            var attributes = (message.Attributes ?? new Dictionary<string, MessageAttributeValue>()).Where(a => a.Key is not (ErrorTypeAttribute or ErrorMessageAttribute or SourceAttribute))
                .Take(MaxKeptAttributes).ToDictionary();
            attributes[ErrorTypeAttribute] = new() { DataType = "String", StringValue = failure.ErrorType };
            attributes[ErrorMessageAttribute] = new() { DataType = "String", StringValue = cause.Length > 0 ? cause : "Failed." };
            attributes[SourceAttribute] = new() { DataType = "String", StringValue = message.Source };
            await sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = deadLetterUrl, MessageBody = message.Body, MessageAttributes = attributes }, cancellationToken);
            LogDeadLettered(message.MessageId, message.QueueName, cause);
            return true;
        }
        var backoff = failure.Kind == FailureKind.HandedBack ? 0 : BackoffSeconds(message.ReceiveCount, queue.VisibilityTimeoutSeconds);
        await sqs.ChangeMessageVisibilityAsync(queue.Url, message.ReceiptHandle, backoff, cancellationToken);
        if (failure.Kind != FailureKind.HandedBack) LogRetrying(message.MessageId, message.ReceiveCount, queue.MaxReceiveCount, backoff);
        return false;
    }

    /// <summary>2, 4, 8… seconds after the 1st, 2nd, 3rd… receive, at most the queue's visibility timeout.</summary>
    public static int BackoffSeconds(int receiveCount, int visibilityTimeoutSeconds) =>
        (int)Math.Min(visibilityTimeoutSeconds, Math.Pow(2, Math.Clamp(receiveCount, 1, 16)));

    internal static (string Queue, int MaxReceiveCount)? Redrive(string redrivePolicy)
    {
        try
        {
            using var document = JsonDocument.Parse(redrivePolicy);
            var root = document.RootElement;
            if (!root.TryGetProperty("deadLetterTargetArn", out var arn) || arn.GetString() is not { } text) return null;
            var max = root.TryGetProperty("maxReceiveCount", out var count)
                ? count.ValueKind == JsonValueKind.Number ? count.GetInt32() : int.Parse(count.GetString()!, CultureInfo.InvariantCulture)
                : int.MaxValue;
            return (text[(text.LastIndexOf(':') + 1)..], max);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Message {MessageId} failed on receive {Receives} of {Max}; it comes back in {Seconds} s")]
    private partial void LogRetrying(string messageId, int receives, int? max, int seconds);

    [LoggerMessage(LogLevel.Error, "Message {MessageId} of {Queue} dead-lettered: {Cause}")]
    private partial void LogDeadLettered(string messageId, string queue, string cause);
}

/// <summary>A queue as the dead-letter rule sees it.</summary>
/// <param name="MaxReceiveCount">Receives the redrive policy allows; null without a dead-letter queue.</param>
public sealed record QueueRedrive(string Url, string? DeadLetterUrl, int? MaxReceiveCount, int VisibilityTimeoutSeconds)
{
    public bool IsLastReceive(int receiveCount) => MaxReceiveCount is { } max && receiveCount >= max;
}

public enum FailureKind
{
    /// <summary>Worth another try, until the receive limit.</summary>
    Failed,

    /// <summary>The input itself is refused: another try cannot help.</summary>
    Rejected,

    /// <summary>Not failed: the consumer is stopping; another takes it at once.</summary>
    HandedBack,
}

/// <param name="ErrorType">The failure's kind as a name, e.g. the exception's type name.</param>
public sealed record MessageFailure(FailureKind Kind, string Cause, string ErrorType);

/// <param name="QueueName">The queue it was received from.</param>
/// <param name="Source">Who gave up on it (a function's name, the app tier), kept in the dead letter.</param>
/// <param name="Attributes">The message's own attributes (trace context), kept in the dead letter.</param>
public sealed record FailedMessage(string QueueName, string MessageId, string Body, string ReceiptHandle, int ReceiveCount, MessageFailure Failure,
    string Source, IReadOnlyDictionary<string, MessageAttributeValue>? Attributes = null);
