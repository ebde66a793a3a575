using Amazon.SQS;
using Amazon.SQS.Model;
using FaceRecognition.Cloud.Topology;
using Microsoft.Extensions.Options;

namespace FaceRecognition.AppTier;

/// <summary>
/// Long-polls the request queue and processes up to <see cref="AppTierOptions.Concurrency"/> messages at once. On
/// shutdown (SIGTERM) it stops receiving, lets in-flight work finish within the host's shutdown timeout, and makes
/// what is still unfinished visible again at once so another instance takes it.
/// </summary>
internal sealed partial class RequestWorker(IAmazonSQS sqs, TopologyNames names, RequestProcessor processor, Recognition recognition,
    GalleryCache gallery, IOptions<AppTierOptions> options, IOptions<RecognitionOptions> recognitionOptions, ILogger<RequestWorker> logger)
    : BackgroundService
{
    private readonly CancellationTokenSource _abandon = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queueUrl = (await sqs.GetQueueUrlAsync(names.RequestQueue, stoppingToken)).QueueUrl;
        recognition.Warm();
        await gallery.RefreshAsync(stoppingToken);
        var concurrency = options.Value.EffectiveConcurrency(recognitionOptions.Value.Mode);
        var slots = new SemaphoreSlim(concurrency);
        var inFlight = new List<Task>();
        LogStarted(names.RequestQueue, concurrency);

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stoppingToken);
                var free = 1 + Math.Min(9, slots.CurrentCount);
                var response = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest(queueUrl)
                {
                    MaxNumberOfMessages = free,
                    WaitTimeSeconds = 20,
                    VisibilityTimeout = options.Value.VisibilityTimeoutSeconds,
                    MessageSystemAttributeNames = ["ApproximateReceiveCount", RequestMetrics.SentTimestamp],
                    MessageAttributeNames = ["All"],
                }, stoppingToken);
                var messages = response.Messages ?? [];
                // One slot is held already; take one more per extra message.
                for (var i = 1; i < messages.Count; i++)
                {
                    await slots.WaitAsync(stoppingToken);
                }
                if (messages.Count == 0)
                {
                    slots.Release();
                }
                foreach (var message in messages)
                {
                    inFlight.RemoveAll(t => t.IsCompleted);
                    inFlight.Add(Task.Run(() => ProcessOne(queueUrl, message, slots), CancellationToken.None));
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

        LogStopping(inFlight.Count(t => !t.IsCompleted));
        await Task.WhenAll(inFlight);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // cancellationToken fires when the host's shutdown timeout runs out: abandon what is left then.
        using var registration = cancellationToken.Register(_abandon.Cancel);
        await base.StopAsync(cancellationToken);
    }

    private async Task ProcessOne(string queueUrl, Message message, SemaphoreSlim slots)
    {
        try
        {
            await processor.ProcessAsync(queueUrl, message, _abandon.Token);
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
        {
            await ReleaseAsync(queueUrl, message);
        }
        catch (Exception e)
        {
            LogUnexpected(message.MessageId, e);
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task ReleaseAsync(string queueUrl, Message message)
    {
        try
        {
            await sqs.ChangeMessageVisibilityAsync(queueUrl, message.ReceiptHandle, 0, CancellationToken.None);
            LogReleased(message.MessageId);
        }
        catch (Exception e) when (e is AmazonSQSException or HttpRequestException)
        {
            LogUnexpected(message.MessageId, e);
        }
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        base.Dispose();
    }

    [LoggerMessage(LogLevel.Information, "Taking requests from {Queue}, {Concurrency} at a time")]
    private partial void LogStarted(string queue, int concurrency);

    [LoggerMessage(LogLevel.Warning, "Could not receive from the request queue: {Reason}")]
    private partial void LogReceiveFailed(string reason);

    [LoggerMessage(LogLevel.Information, "Stopping: finishing {Count} request(s) in flight")]
    private partial void LogStopping(int count);

    [LoggerMessage(LogLevel.Information, "Released message {MessageId} for another instance")]
    private partial void LogReleased(string messageId);

    [LoggerMessage(LogLevel.Error, "Message {MessageId} could not be handled")]
    private partial void LogUnexpected(string messageId, Exception exception);
}
