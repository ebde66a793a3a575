using System.Collections.Concurrent;
using Amazon.SQS;
using Amazon.SQS.Model;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Cloud.Topology;
using Microsoft.Extensions.Options;

namespace FaceRecognition.WebTier;

/// <summary>
/// This instance's reply queue and its one receive loop: the queue is created at start (named after the instance, so
/// replicas never take each other's replies) and deleted at stop; each reply completes the request waiting on its id.
/// </summary>
internal sealed partial class ReplyListener(IAmazonSQS sqs, TopologyNames names, IOptions<WebTierOptions> options, ILogger<ReplyListener> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RecognitionReply>> _waiting = new();
    private readonly TaskCompletionSource<string> _queueUrl = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string QueueName { get; } = names.ReplyQueueFor(options.Value.InstanceId is { Length: > 0 } id ? id : Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Completes when the reply queue exists.</summary>
    public Task<string> Ready => _queueUrl.Task;

    /// <summary>Registers interest in a reply before its request is sent; dispose the registration to stop waiting.</summary>
    public PendingReply Expect(string requestId)
    {
        var completion = new TaskCompletionSource<RecognitionReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[requestId] = completion;
        return new PendingReply(completion.Task, () => _waiting.TryRemove(requestId, out _));
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var created = await sqs.CreateQueueAsync(new CreateQueueRequest(QueueName)
        {
            // Replies are read within seconds; one nobody waits for any more should not linger.
            Attributes = new Dictionary<string, string> { ["MessageRetentionPeriod"] = "300" },
        }, cancellationToken);
        _queueUrl.SetResult(created.QueueUrl);
        LogCreated(QueueName);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queueUrl = await Ready;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var response = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest(queueUrl)
                {
                    MaxNumberOfMessages = 10,
                    WaitTimeSeconds = 20,
                }, stoppingToken);
                var messages = response.Messages ?? [];
                foreach (var message in messages)
                {
                    Dispatch(message);
                }
                if (messages.Count > 0)
                {
                    await sqs.DeleteMessageBatchAsync(queueUrl,
                        [.. messages.Select((m, i) => new DeleteMessageBatchRequestEntry(i.ToString(System.Globalization.CultureInfo.InvariantCulture), m.ReceiptHandle))],
                        stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is AmazonSQSException or HttpRequestException)
            {
                LogReceiveFailed(e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_queueUrl.Task.IsCompletedSuccessfully)
        {
            try
            {
                await sqs.DeleteQueueAsync(_queueUrl.Task.Result, cancellationToken);
            }
            catch (Exception e) when (e is AmazonSQSException or HttpRequestException or OperationCanceledException)
            {
                LogDeleteFailed(QueueName, e.Message);
            }
        }
    }

    private void Dispatch(Message message)
    {
        RecognitionReply reply;
        try
        {
            reply = RecognitionMessages.ParseReply(message.Body);
        }
        catch (InvalidDataException e)
        {
            LogBadReply(e.Message);
            return;
        }
        if (_waiting.TryRemove(reply.Id, out var completion))
        {
            completion.TrySetResult(reply);
        }
        else
        {
            LogLateReply(reply.Id);
        }
    }

    [LoggerMessage(LogLevel.Information, "Replies come to {Queue}")]
    private partial void LogCreated(string queue);

    [LoggerMessage(LogLevel.Warning, "Could not receive replies: {Reason}")]
    private partial void LogReceiveFailed(string reason);

    [LoggerMessage(LogLevel.Warning, "Could not delete reply queue {Queue}: {Reason}")]
    private partial void LogDeleteFailed(string queue, string reason);

    [LoggerMessage(LogLevel.Warning, "Dropped a reply that is not a recognition reply: {Reason}")]
    private partial void LogBadReply(string reason);

    [LoggerMessage(LogLevel.Information, "Reply for {RequestId} came after its request stopped waiting; the result is in the output bucket")]
    private partial void LogLateReply(string requestId);
}

/// <summary>A reply being waited for; disposing it stops the wait (timeout or client gone).</summary>
internal sealed class PendingReply(Task<RecognitionReply> reply, Action forget) : IDisposable
{
    public Task<RecognitionReply> Reply { get; } = reply;

    public void Dispose() => forget();
}
