using Amazon.EC2;
using Amazon.Runtime;
using Amazon.SQS;
using FaceRecognition.Api;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.WebTier.Scaling;
using Microsoft.Extensions.Options;

namespace FaceRecognition.WebTier;

/// <summary><c>GET /api/system</c>: the app-tier instances, the queues' depths and dead letters, and the last requests,
/// as the console's system view shows them.</summary>
internal static class SystemEndpoints
{
    public static void MapSystemEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/system", async (IAmazonEC2 ec2, IAmazonSQS sqs, TopologyNames names, IOptionsMonitor<ScalingOptions> scaling, RecentRequests recent,
            CancellationToken cancellationToken) =>
        {
            var problems = new List<string>();
            var instances = Array.Empty<InstanceState>();
            try
            {
                var fleet = await new AppTierFleet(ec2, scaling.CurrentValue.InstanceNamePattern).DescribeAsync(cancellationToken);
                instances = [.. fleet.Select(i => new InstanceState(AppTierFleet.Name(i), i.InstanceId, i.State?.Name?.Value ?? "unknown"))];
            }
            catch (Exception e) when (e is AmazonServiceException or HttpRequestException)
            {
                problems.Add($"EC2: {e.Message}");
            }
            var queues = await Task.WhenAll(SystemTopology.For(names).Queues.Select(async queue =>
            {
                try
                {
                    var url = (await sqs.GetQueueUrlAsync(queue.Name, cancellationToken)).QueueUrl;
                    var attributes = await sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"], cancellationToken);
                    return new QueueState(queue.Name, queue.Name.EndsWith("-dlq", StringComparison.Ordinal), attributes.ApproximateNumberOfMessages,
                        attributes.ApproximateNumberOfMessagesNotVisible);
                }
                catch (Exception e) when (e is AmazonServiceException or HttpRequestException)
                {
                    lock (problems)
                    {
                        problems.Add($"{queue.Name}: {e.Message}");
                    }
                    return null;
                }
            }));
            return TypedResults.Ok(new SystemState(instances, [.. queues.OfType<QueueState>()], recent.Snapshot(), [.. problems]));
        })
        .WithSummary("The app-tier instances, each queue's visible and in-flight messages (dead-letter queues marked), and the last requests.")
        .Produces<SystemState>();
    }
}
