using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using FaceRecognition.Lambdas.Runtime.RuntimeApi;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.Lambdas.Runtime;

/// <summary>
/// The dead-letter rule of a function fed by an SQS event source mapping. An event whose input is refused
/// (<see cref="InputRejectedException"/>: retrying cannot help) goes to the queue's dead-letter queue at once, and one
/// that failed on the receive its redrive policy allows last, as well: with its cause in the message attributes
/// <c>ErrorType</c>, <c>ErrorMessage</c> and <c>Function</c>, which the redrive alone could not give it. Any other failed
/// event comes back soon (2, 4, 8… seconds) instead of after the whole visibility timeout. The queue's redrive policy
/// stays the backstop for an environment that dies holding an event.
/// </summary>
internal sealed partial class DeadLetters(IAmazonSQS sqs, ILogger<DeadLetters> logger)
{
    public const string ErrorTypeAttribute = "ErrorType";
    public const string ErrorMessageAttribute = "ErrorMessage";
    public const string FunctionAttribute = "Function";

    private const int MaxCauseLength = 1000;
    private readonly ConcurrentDictionary<string, Task<SourceQueue>> _queues = new(StringComparer.Ordinal);

    /// <summary>Settles a failed event. Returns true when it is dealt with (dead-lettered); false when it is to be retried.</summary>
    internal async Task<bool> SettleFailureAsync(SqsEventRecord record, InvocationOutcome outcome, string function, CancellationToken cancellationToken)
    {
        if (record.EventSourceArn is null || record.ReceiptHandle is null) return false;
        var queue = await QueueAsync(record.EventSourceArn, cancellationToken);
        var final = outcome.Result == InvocationResult.Rejected || queue.MaxReceiveCount is { } max && record.ReceiveCount >= max;
        if (final && queue.DeadLetterUrl is { } deadLetterUrl)
        {
            var cause = outcome.Cause is { Length: > MaxCauseLength } longCause ? longCause[..MaxCauseLength] : outcome.Cause ?? "Failed.";
            await sqs.SendMessageAsync(new SendMessageRequest
            {
                QueueUrl = deadLetterUrl,
                MessageBody = record.Body,
                MessageAttributes = new Dictionary<string, MessageAttributeValue>
                {
                    [ErrorTypeAttribute] = new() { DataType = "String", StringValue = outcome.ErrorType ?? "Error" },
                    [ErrorMessageAttribute] = new() { DataType = "String", StringValue = cause },
                    [FunctionAttribute] = new() { DataType = "String", StringValue = function },
                },
            }, cancellationToken);
            LogDeadLettered(record.MessageId, cause);
            return true;
        }
        var backoff = outcome.Result == InvocationResult.Stopped ? 0 : (int)Math.Min(queue.VisibilityTimeoutSeconds, Math.Pow(2, record.ReceiveCount));
        await sqs.ChangeMessageVisibilityAsync(queue.Url, record.ReceiptHandle, backoff, cancellationToken);
        if (outcome.Result != InvocationResult.Stopped) LogRetrying(record.MessageId, record.ReceiveCount, queue.MaxReceiveCount, backoff);
        return false;
    }

    private Task<SourceQueue> QueueAsync(string arn, CancellationToken cancellationToken) =>
        _queues.GetOrAdd(arn, async key =>
        {
            var url = (await sqs.GetQueueUrlAsync(key[(key.LastIndexOf(':') + 1)..], cancellationToken)).QueueUrl;
            var attributes = (await sqs.GetQueueAttributesAsync(url, ["VisibilityTimeout", "RedrivePolicy"], cancellationToken)).Attributes ?? [];
            var visibility = attributes.TryGetValue("VisibilityTimeout", out var v) && int.TryParse(v, CultureInfo.InvariantCulture, out var seconds) ? seconds : 30;
            if (!attributes.TryGetValue("RedrivePolicy", out var redrive) || Redrive(redrive) is not { } policy) return new SourceQueue(url, null, null, visibility);
            var deadLetterUrl = (await sqs.GetQueueUrlAsync(policy.Queue, cancellationToken)).QueueUrl;
            return new SourceQueue(url, deadLetterUrl, policy.MaxReceiveCount, visibility);
        }).ContinueWith(t =>
        {
            // A failed look-up is tried again next time rather than remembered.
            if (!t.IsCompletedSuccessfully) _queues.TryRemove(arn, out _);
            return t;
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap();

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

    private sealed record SourceQueue(string Url, string? DeadLetterUrl, int? MaxReceiveCount, int VisibilityTimeoutSeconds);

    [LoggerMessage(LogLevel.Warning, "Event {MessageId} failed on receive {Receives} of {Max}; retrying in {Seconds} s")]
    private partial void LogRetrying(string messageId, int receives, int? max, int seconds);

    [LoggerMessage(LogLevel.Error, "Event {MessageId} dead-lettered: {Cause}")]
    private partial void LogDeadLettered(string messageId, string cause);
}
