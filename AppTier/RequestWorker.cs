using System.Diagnostics;
using Amazon.SQS;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Cloud.Topology;
using Microsoft.Extensions.Options;

namespace FaceRecognition.AppTier;

/// <summary>
/// Takes requests from the request queue through the <see cref="QueueConsumer"/>, up to
/// <see cref="AppTierOptions.Concurrency"/> at once, each kept invisible for
/// <see cref="AppTierOptions.VisibilityTimeoutSeconds"/> (renewed while it is worked on). On shutdown (SIGTERM) it stops
/// receiving and lets in-flight work finish within the host's shutdown timeout; what is still unfinished then is handed
/// back at once for another instance.
/// </summary>
internal sealed partial class RequestWorker(IAmazonSQS sqs, QueueConsumer consumer, TopologyNames names, RequestProcessor processor,
    Recognition recognition, GalleryCache gallery, IOptions<AppTierOptions> options, IOptions<RecognitionOptions> recognitionOptions, ILogger<RequestWorker> logger)
    : BackgroundService
{
    private readonly CancellationTokenSource _abandon = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The engine loads (ONNX Runtime and four sessions, about half a second) while the queue and the gallery are looked
        // up: an instance started for a waiting request answers it as soon as both are done.
        var warming = Task.Run(recognition.Warm, stoppingToken);
        var queueUrl = (await sqs.GetQueueUrlAsync(names.RequestQueue, stoppingToken)).QueueUrl;
        await gallery.RefreshAsync(stoppingToken);
        await warming;
        LogReady((DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds);
        var settings = new QueueConsumerSettings(names.RequestQueue, SystemPermissions.AppTier,
            options.Value.EffectiveConcurrency(recognitionOptions.Value.Mode), options.Value.VisibilityTimeoutSeconds)
        {
            SystemAttributes = [RequestMetrics.SentTimestamp],
        };
        await consumer.RunAsync(queueUrl, settings, processor.HandleAsync, stoppingToken, _abandon.Token);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // cancellationToken fires when the host's shutdown timeout runs out: abandon what is left then.
        using var registration = cancellationToken.Register(_abandon.Cancel);
        await base.StopAsync(cancellationToken);
    }

    [LoggerMessage(LogLevel.Information, "Ready for requests {Seconds:0.00} s after the process started")]
    private partial void LogReady(double seconds);

    public override void Dispose()
    {
        _abandon.Dispose();
        base.Dispose();
    }
}
