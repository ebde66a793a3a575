using System.Globalization;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using FaceRecognition.Cloud.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceRecognition.Lambdas.Runtime;

/// <summary>
/// The local stand-in for a Lambda SQS event source mapping: long-polls the queue that receives a bucket's
/// notifications, runs up to <see cref="FunctionOptions.Concurrency"/> invocations at once (one per message), deletes
/// what succeeded (partial batches), keeps long work invisible, and dead-letters an event with its cause when its input
/// is rejected or on its <see cref="FunctionOptions.MaxReceiveCount"/>th failed receive.
/// </summary>
public sealed partial class SqsEventSource(IAmazonSQS sqs, FunctionInvoker invoker, IOptions<FunctionOptions> options, ILogger<SqsEventSource> logger)
    : BackgroundService
{
    /// <summary>Message attributes a dead-lettered event carries.</summary>
    public const string ErrorTypeAttribute = "ErrorType";
    public const string ErrorMessageAttribute = "ErrorMessage";
    public const string FunctionAttribute = "Function";

    private readonly FunctionOptions _options = options.Value;

    // Stopping ends receiving at once, but lets running invocations finish; only when the host's shutdown time is up
    // are they cancelled and their events handed back.
    private readonly CancellationTokenSource _abandon = new();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Returns when every invocation has settled, or when the shutdown time is up.
        await base.StopAsync(cancellationToken);
        if (ExecuteTask is { IsCompleted: false } execute)
        {
            await _abandon.CancelAsync();
            await execute.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = await ResolveQueueAsync(stoppingToken);
        LogListening(invoker.FunctionName, _options.Queue, _options.Concurrency, queue.DeadLetterUrl is null ? "none" : "set");
        using var slots = new SemaphoreSlim(_options.Concurrency);
        var running = new HashSet<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                var free = 1;
                while (free < _options.BatchSize && slots.Wait(0))
                {
                    free++;
                }
                List<Message> messages;
                try
                {
                    messages = await ReceiveAsync(queue.Url, free, stoppingToken);
                }
                catch (Exception e) when (e is AmazonServiceException or HttpRequestException)
                {
                    slots.Release(free);
                    LogReceiveFailed(e.Message);
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                    continue;
                }
                if (free > messages.Count)
                {
                    slots.Release(free - messages.Count);
                }
                foreach (var message in messages)
                {
                    var invocation = RunAsync(queue, message, _abandon.Token);
                    lock (running)
                    {
                        running.Add(invocation);
                    }
                    _ = invocation.ContinueWith(t =>
                    {
                        slots.Release();
                        lock (running)
                        {
                            running.Remove(t);
                        }
                    }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        Task[] remaining;
        lock (running)
        {
            remaining = [.. running];
        }
        await Task.WhenAll(remaining);
    }

    private async Task<List<Message>> ReceiveAsync(string queueUrl, int count, CancellationToken stoppingToken)
    {
        var response = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = queueUrl,
            MaxNumberOfMessages = count,
            WaitTimeSeconds = _options.WaitTimeSeconds,
            MessageSystemAttributeNames = ["ApproximateReceiveCount"],
            MessageAttributeNames = ["All"],
        }, stoppingToken);
        return response.Messages ?? [];
    }

    private async Task RunAsync(QueueAddresses queue, Message message, CancellationToken abandon)
    {
        InvocationOutcome outcome;
        using (VisibilityExtender.Start(sqs, queue.Url, message.ReceiptHandle, queue.VisibilityTimeoutSeconds, logger))
        {
            // Off the receive loop's thread: a handler's synchronous start must not hold up the next receive.
            outcome = await Task.Run(() => invoker.InvokeAsync(message.Body, message.MessageId, TimeSpan.FromSeconds(_options.TimeoutSeconds), abandon),
                CancellationToken.None);
        }
        try
        {
            await SettleAsync(queue, message, outcome);
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException)
        {
            // The message reappears after its visibility timeout and is handled again.
            LogSettleFailed(message.MessageId, e.Message);
        }
    }

    private async Task SettleAsync(QueueAddresses queue, Message message, InvocationOutcome outcome)
    {
        switch (outcome.Result)
        {
            case InvocationResult.Success or InvocationResult.Ignored:
                await sqs.DeleteMessageAsync(queue.Url, message.ReceiptHandle, CancellationToken.None);
                break;
            case InvocationResult.Stopped:
                // Give it back at once to another instance (or to this one after a restart).
                await sqs.ChangeMessageVisibilityAsync(queue.Url, message.ReceiptHandle, 0, CancellationToken.None);
                break;
            case InvocationResult.Rejected:
                await DeadLetterAsync(queue, message, outcome);
                break;
            case InvocationResult.Failed:
                var receives = ReceiveCount(message);
                if (receives >= _options.MaxReceiveCount)
                {
                    await DeadLetterAsync(queue, message, outcome);
                }
                else
                {
                    // Retry soon rather than after the whole visibility timeout: 2, 4, 8… seconds.
                    var backoff = (int)Math.Min(queue.VisibilityTimeoutSeconds, Math.Pow(2, receives));
                    await sqs.ChangeMessageVisibilityAsync(queue.Url, message.ReceiptHandle, backoff, CancellationToken.None);
                    LogRetrying(message.MessageId, receives, _options.MaxReceiveCount, backoff);
                }
                break;
        }
    }

    private async Task DeadLetterAsync(QueueAddresses queue, Message message, InvocationOutcome outcome)
    {
        if (queue.DeadLetterUrl is null)
        {
            LogNoDeadLetterQueue(message.MessageId, outcome.Cause!);
            return;
        }
        var cause = outcome.Cause!.Length > 1000 ? outcome.Cause[..1000] : outcome.Cause;
        await sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = queue.DeadLetterUrl,
            MessageBody = message.Body,
            MessageAttributes = new Dictionary<string, MessageAttributeValue>
            {
                [ErrorTypeAttribute] = new() { DataType = "String", StringValue = outcome.ErrorType ?? "Error" },
                [ErrorMessageAttribute] = new() { DataType = "String", StringValue = cause },
                [FunctionAttribute] = new() { DataType = "String", StringValue = invoker.FunctionName },
            },
        }, CancellationToken.None);
        await sqs.DeleteMessageAsync(queue.Url, message.ReceiptHandle, CancellationToken.None);
        LogDeadLettered(message.MessageId, cause);
    }

    private static int ReceiveCount(Message message) =>
        message.Attributes is { } attributes && attributes.TryGetValue("ApproximateReceiveCount", out var text)
            && int.TryParse(text, CultureInfo.InvariantCulture, out var count) ? count : 1;

    /// <summary>The queue's URL, visibility timeout and dead-letter queue (from its redrive policy); waits for the
    /// queue to exist, since the AppHost may still be provisioning.</summary>
    private async Task<QueueAddresses> ResolveQueueAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var url = (await sqs.GetQueueUrlAsync(_options.Queue, stoppingToken)).QueueUrl;
                var attributes = (await sqs.GetQueueAttributesAsync(url, ["VisibilityTimeout", "RedrivePolicy"], stoppingToken)).Attributes ?? [];
                var visibility = attributes.TryGetValue("VisibilityTimeout", out var v) && int.TryParse(v, CultureInfo.InvariantCulture, out var seconds) ? seconds : 30;
                string? deadLetterUrl = null;
                if (attributes.TryGetValue("RedrivePolicy", out var redrive) && DeadLetterQueueName(redrive) is { } name)
                {
                    deadLetterUrl = (await sqs.GetQueueUrlAsync(name, stoppingToken)).QueueUrl;
                }
                return new QueueAddresses(url, deadLetterUrl, Math.Max(visibility, 2));
            }
            catch (Exception e) when (e is AmazonServiceException or HttpRequestException)
            {
                if (attempt % 10 == 1)
                {
                    LogQueueUnavailable(_options.Queue, e.Message);
                }
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    internal static string? DeadLetterQueueName(string redrivePolicy)
    {
        try
        {
            using var document = JsonDocument.Parse(redrivePolicy);
            return document.RootElement.TryGetProperty("deadLetterTargetArn", out var arn) && arn.GetString() is { } text
                ? text[(text.LastIndexOf(':') + 1)..]
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record QueueAddresses(string Url, string? DeadLetterUrl, int VisibilityTimeoutSeconds);

    [LoggerMessage(LogLevel.Information, "{Function} listening on {Queue}: up to {Concurrency} at once, dead-letter queue {DeadLetter}")]
    private partial void LogListening(string function, string queue, int concurrency, string deadLetter);

    [LoggerMessage(LogLevel.Warning, "Queue {Queue} is not available yet: {Reason}")]
    private partial void LogQueueUnavailable(string queue, string reason);

    [LoggerMessage(LogLevel.Warning, "Could not receive events: {Reason}")]
    private partial void LogReceiveFailed(string reason);

    [LoggerMessage(LogLevel.Warning, "Event {MessageId} failed on receive {Receives} of {Max}; retrying in {Seconds} s")]
    private partial void LogRetrying(string messageId, int receives, int max, int seconds);

    [LoggerMessage(LogLevel.Error, "Event {MessageId} dead-lettered: {Cause}")]
    private partial void LogDeadLettered(string messageId, string cause);

    [LoggerMessage(LogLevel.Error, "Event {MessageId} failed for good but its queue has no dead-letter queue; it stays on the queue: {Cause}")]
    private partial void LogNoDeadLetterQueue(string messageId, string cause);

    [LoggerMessage(LogLevel.Warning, "Could not settle event {MessageId}; it will be delivered again: {Reason}")]
    private partial void LogSettleFailed(string messageId, string reason);
}
