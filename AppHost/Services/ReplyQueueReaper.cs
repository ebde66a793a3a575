using Amazon.SQS;
using Amazon.SQS.Model;
using FaceRecognition.AppHost.Cloud;
using FaceRecognition.Cloud.Topology;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.AppHost.Services;

/// <summary>
/// Deletes a web-tier replica's own reply queue (<c>&lt;prefix&gt;-resp-queue-&lt;replica&gt;</c>) when the replica
/// ends without deleting it itself: killed, crashed or stopped from the dashboard. A replica that starts again creates
/// it again. The first web tier replies on the provisioned response queue and has nothing to reap.
/// </summary>
internal static class ReplyQueueReaper
{
    public static void Add(IDistributedApplicationBuilder builder, CloudResource cloud, IReadOnlyCollection<string> replicas)
    {
        if (replicas.Count == 0)
        {
            return;
        }
        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((e, cancellationToken) =>
        {
            _ = Task.Run(() => RunAsync(cloud, replicas, e.Services), CancellationToken.None);
            return Task.CompletedTask;
        });
    }

    private static async Task RunAsync(CloudResource cloud, IReadOnlyCollection<string> replicas, IServiceProvider services)
    {
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ReplyQueueReaper).FullName!);
        var names = new TopologyNames(cloud.Prefix);
        // A replica's queue is reaped once per end: the states after it (and repeated snapshots) do not reap it again.
        var ended = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var sqs = await cloud.AdministratorSqsAsync(stopping);
            await foreach (var update in notifications.WatchAsync(stopping))
            {
                var replica = update.Resource.Name;
                if (!replicas.Contains(replica) || update.Snapshot.State?.Text is not { } state)
                {
                    continue;
                }
                if (!KnownResourceStates.TerminalStates.Contains(state))
                {
                    ended.Remove(replica);
                    continue;
                }
                if (ended.Add(replica))
                {
                    await DeleteAsync(sqs, names.ReplyQueueFor(replica), logger, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private static async Task DeleteAsync(IAmazonSQS sqs, string queue, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            var url = (await sqs.GetQueueUrlAsync(queue, cancellationToken)).QueueUrl;
            await sqs.DeleteQueueAsync(url, cancellationToken);
            logger.LogInformation("Deleted reply queue {Queue}: its web tier ended without deleting it", queue);
        }
        catch (QueueDoesNotExistException)
        {
            // The replica deleted it at its clean stop.
        }
        catch (Exception e) when (e is AmazonSQSException or HttpRequestException)
        {
            logger.LogWarning("Could not delete reply queue {Queue}: {Reason}", queue, e.Message);
        }
    }
}
