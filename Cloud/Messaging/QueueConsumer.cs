using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.Cloud.Messaging;

/// <summary>
/// Takes messages from one queue and hands each to a handler, at most <see cref="QueueConsumerSettings.Concurrency"/>
/// at once: it long-polls only for as many messages as it has free slots (so nothing waits received but unstarted),
/// keeps each message invisible while its handler works, deletes it when the handler returns, and settles a failure by
/// the system's one dead-letter rule (<see cref="DeadLetterRule"/>: back soon, or dead-lettered with its cause on the
/// last receive or when the input is refused). Receive failures back off (1, 2, 4 s, at most 5 s) until the queue
/// answers again. Stopping: <c>stopReceiving</c> ends the polling and lets the handlers finish; <c>abandon</c> cancels
/// them, and each message so abandoned is handed back (visible at once) for another consumer. A process that dies
/// loses nothing either: its messages come back when their visibility timeout runs out.
/// </summary>
public sealed partial class QueueConsumer(IAmazonSQS sqs, SqsBatcher batcher, DeadLetterRule deadLetters, ILogger<QueueConsumer> logger)
{
    private const int MaxMessagesPerReceive = 10;
    private static readonly TimeSpan s_maxReceiveBackoff = TimeSpan.FromSeconds(5);

    /// <summary>Runs until <paramref name="stopReceiving"/> fires and every handler has ended.</summary>
    /// <param name="queueUrl">Where the queue is now; <see cref="QueueConsumerSettings.WhenQueueIsMissing"/> may give a new one.</param>
    /// <param name="abandon">Cancels the handlers still working (a shutdown that cannot wait longer).</param>
    public async Task RunAsync(string queueUrl, QueueConsumerSettings settings, MessageHandler handler, CancellationToken stopReceiving, CancellationToken abandon)
    {
        using var slots = new SemaphoreSlim(settings.Concurrency);
        var inFlight = new HashSet<Task>();
        var receiveBackoff = TimeSpan.Zero;
        LogStarted(settings.QueueName, settings.Concurrency);
        while (!stopReceiving.IsCancellationRequested)
        {
            var held = 0;
            try
            {
                await slots.WaitAsync(stopReceiving);
                held = 1;
                var response = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest(queueUrl)
                {
                    MaxNumberOfMessages = Math.Min(MaxMessagesPerReceive, 1 + slots.CurrentCount),
                    WaitTimeSeconds = settings.WaitTimeSeconds,
                    VisibilityTimeout = settings.VisibilityTimeoutSeconds,
                    MessageSystemAttributeNames = ["ApproximateReceiveCount", .. settings.SystemAttributes],
                    MessageAttributeNames = ["All"],
                }, stopReceiving);
                receiveBackoff = TimeSpan.Zero;
                var messages = response.Messages ?? [];
                // The one slot held is the first message's; each further one takes its own (free by construction).
                for (var i = 1; i < messages.Count; i++)
                {
                    await slots.WaitAsync(CancellationToken.None);
                }
                if (messages.Count == 0)
                {
                    slots.Release();
                }
                held = 0;
                lock (inFlight)
                {
                    foreach (var message in messages)
                    {
                        var work = Task.Run(() => HandleOneAsync(queueUrl, settings, handler, message, slots, abandon), CancellationToken.None);
                        inFlight.Add(work);
                        _ = work.ContinueWith(done => { lock (inFlight) inFlight.Remove(done); }, CancellationToken.None,
                            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    }
                }
            }
            catch (OperationCanceledException) when (stopReceiving.IsCancellationRequested)
            {
                if (held == 1) slots.Release();
                break;
            }
            catch (Exception e) when (e is AmazonSQSException or HttpRequestException)
            {
                if (held == 1) slots.Release();
                if (e is QueueDoesNotExistException && settings.WhenQueueIsMissing is { } recreate)
                {
                    LogQueueMissing(settings.QueueName);
                    queueUrl = await TryAsync(() => recreate(stopReceiving), queueUrl);
                }
                else
                {
                    LogReceiveFailed(settings.QueueName, e.Message);
                }
                receiveBackoff = receiveBackoff == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(receiveBackoff.Ticks * 2, s_maxReceiveBackoff.Ticks));
                await Task.Delay(receiveBackoff, CancellationToken.None);
            }
        }

        Task[] remaining;
        lock (inFlight) remaining = [.. inFlight];
        LogStopping(settings.QueueName, remaining.Length);
        await Task.WhenAll(remaining);
    }

    private async Task<string> TryAsync(Func<Task<string>> recreate, string fallback)
    {
        try
        {
            return await recreate();
        }
        catch (Exception e) when (e is AmazonSQSException or HttpRequestException or OperationCanceledException)
        {
            LogReceiveFailed("(re-creating the queue)", e.Message);
            return fallback;
        }
    }

    private async Task HandleOneAsync(string queueUrl, QueueConsumerSettings settings, MessageHandler handler, Message message, SemaphoreSlim slots, CancellationToken abandon)
    {
        var receiveCount = message.Attributes?.TryGetValue("ApproximateReceiveCount", out var text) == true && int.TryParse(text, out var count) ? count : 1;
        MessageFailure? failure = null;
        try
        {
            var queue = await deadLetters.QueueAsync(settings.QueueName, abandon);
            using var keepInvisible = settings.VisibilityTimeoutSeconds is { } seconds
                ? VisibilityExtender.Start(sqs, queueUrl, message.ReceiptHandle, seconds, logger)
                : null;
            await handler(new ReceivedMessage(message, receiveCount, queue.IsLastReceive(receiveCount)), abandon);
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            failure = new MessageFailure(FailureKind.HandedBack, "The consumer stopped before the work was done.", "Stopped");
        }
        catch (InputRejectedException e)
        {
            failure = new MessageFailure(FailureKind.Rejected, e.Message, nameof(InputRejectedException));
        }
        catch (Exception e)
        {
            LogHandlerFailed(message.MessageId, settings.QueueName, receiveCount, e.Message);
            failure = new MessageFailure(FailureKind.Failed, e.Message, e.GetType().Name);
        }

        try
        {
            if (failure is null || await deadLetters.SettleAsync(new FailedMessage(settings.QueueName, message.MessageId, message.Body, message.ReceiptHandle,
                receiveCount, failure, settings.Source, message.MessageAttributes), CancellationToken.None))
            {
                await batcher.DeleteAsync(queueUrl, message.ReceiptHandle, CancellationToken.None);
            }
            else if (failure.Kind == FailureKind.HandedBack)
            {
                LogHandedBack(message.MessageId);
            }
        }
        catch (Exception e) when (e is AmazonSQSException or HttpRequestException)
        {
            // Left to the queue: it comes back after its visibility timeout (and the redrive policy is the backstop).
            LogSettleFailed(message.MessageId, e.Message);
        }
        finally
        {
            slots.Release();
        }
    }

    [LoggerMessage(LogLevel.Information, "Taking messages from {Queue}, {Concurrency} at a time")]
    private partial void LogStarted(string queue, int concurrency);

    [LoggerMessage(LogLevel.Warning, "Could not receive from {Queue}: {Reason}")]
    private partial void LogReceiveFailed(string queue, string reason);

    [LoggerMessage(LogLevel.Warning, "Queue {Queue} was gone; creating it again")]
    private partial void LogQueueMissing(string queue);

    [LoggerMessage(LogLevel.Information, "Stopping {Queue}: finishing {Count} message(s) in flight")]
    private partial void LogStopping(string queue, int count);

    [LoggerMessage(LogLevel.Error, "Message {MessageId} of {Queue} failed on receive {Receives}: {Reason}")]
    private partial void LogHandlerFailed(string messageId, string queue, int receives, string reason);

    [LoggerMessage(LogLevel.Information, "Handed message {MessageId} back for another consumer")]
    private partial void LogHandedBack(string messageId);

    [LoggerMessage(LogLevel.Warning, "Could not settle message {MessageId}; it will be delivered again: {Reason}")]
    private partial void LogSettleFailed(string messageId, string reason);
}

/// <summary>Handles one message; returning means done (the message is deleted). Throw
/// <see cref="InputRejectedException"/> for input no retry can help; any other exception is a failure worth another try.</summary>
public delegate Task MessageHandler(ReceivedMessage message, CancellationToken cancellationToken);

/// <param name="IsLastReceive">True on the last receive the queue's redrive policy allows: a failure now dead-letters it.</param>
public sealed record ReceivedMessage(Message Message, int ReceiveCount, bool IsLastReceive);

/// <param name="QueueName">The queue's name, for its redrive policy, logs and dead letters.</param>
/// <param name="Source">Who consumes it, kept in its dead letters.</param>
/// <param name="VisibilityTimeoutSeconds">Each received message's visibility timeout, renewed at half of it while its
/// handler works; null: the queue's own, not renewed (for handlers that take no time).</param>
public sealed record QueueConsumerSettings(string QueueName, string Source, int Concurrency, int? VisibilityTimeoutSeconds)
{
    /// <summary>Long-poll wait of each receive.</summary>
    public int WaitTimeSeconds { get; init; } = 20;

    /// <summary>System attributes asked for besides <c>ApproximateReceiveCount</c> (e.g. <c>SentTimestamp</c>).</summary>
    public IReadOnlyList<string> SystemAttributes { get; init; } = [];

    /// <summary>Creates the queue again when it has disappeared, returning its URL; null: keep trying as it is.</summary>
    public Func<CancellationToken, Task<string>>? WhenQueueIsMissing { get; init; }
}
