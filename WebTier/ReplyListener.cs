using System.Collections.Concurrent;
using Amazon.SQS;
using Amazon.SQS.Model;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Cloud.Topology;
using Microsoft.Extensions.Options;

namespace FaceRecognition.WebTier;

/// <summary>
/// The queue this web tier's replies come on, read by a <see cref="QueueConsumer"/>; each reply completes the request
/// waiting on its id. Without <see cref="WebTierOptions.InstanceId"/> (the one web tier on AWS, the first one locally) that is the
/// provisioned response queue, <c>&lt;prefix&gt;-resp-queue</c>, which outlives the process. With one, it is the
/// instance's own <c>&lt;prefix&gt;-resp-queue-&lt;id&gt;</c>, so replicas never take each other's replies: created at
/// start, deleted at a clean stop, and removed by the AppHost when the replica dies otherwise (AppHost/Services/
/// ReplyQueueReaper); if it disappears while the instance runs, its <see cref="QueueConsumer"/> creates it again.
/// </summary>
internal sealed partial class ReplyListener(IAmazonSQS sqs, QueueConsumer consumer, TopologyNames names, IOptions<WebTierOptions> options, ILogger<ReplyListener> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RecognitionReply>> _waiting = new();
    private readonly TaskCompletionSource<string> _queueUrl = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly bool _ownQueue = options.Value.InstanceId.Length > 0;

    public string QueueName { get; } = options.Value.InstanceId is { Length: > 0 } id ? names.ReplyQueueFor(id) : names.ResponseQueue;

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
        _queueUrl.SetResult(_ownQueue ? await CreateOwnQueueAsync(cancellationToken) : (await sqs.GetQueueUrlAsync(QueueName, cancellationToken)).QueueUrl);
        LogListening(QueueName);
        await base.StartAsync(cancellationToken);
    }

    private async Task<string> CreateOwnQueueAsync(CancellationToken cancellationToken) =>
        (await sqs.CreateQueueAsync(new CreateQueueRequest(QueueName)
        {
            // Replies are read within seconds; one nobody waits for any more should not linger.
            Attributes = new Dictionary<string, string> { ["MessageRetentionPeriod"] = "300" },
        }, cancellationToken)).QueueUrl;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Each reply is handled in microseconds: no visibility renewal, and ten at a time keeps up with any load here.
        var settings = new QueueConsumerSettings(QueueName, SystemPermissions.WebTier, Concurrency: 10, VisibilityTimeoutSeconds: null)
        {
            // Same name, so the same URL: requests already sent still find it.
            WhenQueueIsMissing = _ownQueue ? CreateOwnQueueAsync : null,
        };
        await consumer.RunAsync(await Ready, settings, DispatchAsync, stoppingToken, stoppingToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_ownQueue && _queueUrl.Task.IsCompletedSuccessfully)
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

    private Task DispatchAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        RecognitionReply reply;
        try
        {
            reply = RecognitionMessages.ParseReply(message.Message.Body);
        }
        catch (InvalidDataException e)
        {
            LogBadReply(e.Message);
            return Task.CompletedTask;
        }
        if (_waiting.TryRemove(reply.Id, out var completion))
        {
            completion.TrySetResult(reply);
        }
        else
        {
            LogLateReply(reply.Id);
        }
        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Information, "Replies come to {Queue}")]
    private partial void LogListening(string queue);

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
