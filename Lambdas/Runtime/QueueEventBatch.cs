using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Lambdas.Runtime.RuntimeApi;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.Lambdas.Runtime;

/// <summary>
/// One invocation by an SQS event source mapping: a batch of S3 notifications, handled one after another within the
/// invocation's deadline. The answer names the records to retry (<c>batchItemFailures</c>); those that failed for good
/// go to the dead-letter queue with their cause instead, by the system's one rule (<see cref="DeadLetterRule"/>).
/// </summary>
internal sealed partial class QueueEventBatch(FunctionInvoker invoker, DeadLetterRule deadLetters, TimeProvider time, ILogger<QueueEventBatch> logger)
{
    /// <returns>The message ids to retry.</returns>
    public async Task<IReadOnlyList<string>> HandleAsync(SqsEvent batch, string requestId, DateTimeOffset deadline, CancellationToken stopping)
    {
        // Stop handling a little before Lambda would end the environment, so that the answer (and any dead letter) gets out:
        // a tenth of the time, at least a second (stopping ffmpeg and sending a dead letter on a loaded machine) and
        // at most two.
        var margin = TimeSpan.FromMilliseconds(Math.Clamp((deadline - time.GetUtcNow()).TotalMilliseconds / 10, 1000, 2000));
        var failures = new List<string>();
        foreach (var record in batch.Records)
        {
            var timeout = deadline - margin - time.GetUtcNow();
            var outcome = timeout > TimeSpan.Zero
                ? await invoker.InvokeAsync(record.Body, $"{requestId}/{record.MessageId}", timeout, stopping)
                : InvocationOutcome.Failed($"Not started: the invocation's deadline had passed.", "TimeoutError");
            if (outcome.Result is InvocationResult.Success or InvocationResult.Ignored) continue;
            try
            {
                if (record.EventSourceArn is not { } arn || record.ReceiptHandle is not { } receipt
                    || !await deadLetters.SettleAsync(new FailedMessage(arn[(arn.LastIndexOf(':') + 1)..], record.MessageId, record.Body, receipt,
                        record.ReceiveCount, Failure(outcome), invoker.FunctionName), CancellationToken.None))
                {
                    failures.Add(record.MessageId);
                }
            }
            catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or HttpRequestException)
            {
                // Left to the queue: it comes back after its visibility timeout (and the redrive policy is the backstop).
                LogSettleFailed(record.MessageId, e.Message);
                failures.Add(record.MessageId);
            }
        }
        return failures;
    }

    private static MessageFailure Failure(InvocationOutcome outcome) => new(outcome.Result switch
    {
        InvocationResult.Rejected => FailureKind.Rejected,
        InvocationResult.Stopped => FailureKind.HandedBack,
        _ => FailureKind.Failed,
    }, outcome.Cause ?? "Failed.", outcome.ErrorType ?? "Error");

    [LoggerMessage(LogLevel.Warning, "Could not settle event {MessageId}; it will be delivered again: {Reason}")]
    private partial void LogSettleFailed(string messageId, string reason);
}
