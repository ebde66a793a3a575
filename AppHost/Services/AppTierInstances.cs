using System.Net.Http.Json;
using System.Text.Json.Serialization;
using FaceRecognition.AppHost.Cloud;
using FaceRecognition.Cloud.Topology;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.AppHost.Services;

/// <summary>
/// The app tier as EC2 instances (<c>AppTier:Autoscale=true</c>, emulator backend): each replica is registered in the
/// emulator's EC2 as an instance tagged with its resource name, and this reconciler makes the dashboard follow EC2 —
/// an instance going pending starts its replica (reported running once healthy), one going stopping stops it (reported
/// stopped once it has exited). The web tier's autoscaler drives EC2 with the same calls it would make on AWS.
/// </summary>
internal sealed class AppTierInstancesResource(string name) : Resource(name);

internal static class AppTierInstances
{
    public const string ResourceName = "app-tier-instances";
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(200);

    public static void AddReconciler(IDistributedApplicationBuilder builder, CloudResource cloud, IReadOnlyList<string> replicas)
    {
        var resource = builder.AddResource(new AppTierInstancesResource(ResourceName))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "EC2 instances",
                State = KnownResourceStates.NotStarted,
                Properties = [new ResourcePropertySnapshot("Instances", string.Join(", ", replicas))],
            });
        builder.Eventing.Subscribe<InitializeResourceEvent>(resource.Resource, (e, cancellationToken) =>
        {
            _ = Task.Run(() => RunAsync(cloud, resource.Resource, replicas, e.Services, e.Notifications, e.Logger), CancellationToken.None);
            return Task.CompletedTask;
        });
    }

    private static async Task RunAsync(CloudResource cloud, AppTierInstancesResource resource, IReadOnlyList<string> replicas, IServiceProvider services,
        ResourceNotificationService notifications, ILogger logger)
    {
        var stopping = services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping;
        var commands = services.GetRequiredService<ResourceCommandService>();
        try
        {
            await cloud.BucketsAndQueuesReady.WaitAsync(stopping);
            using var emulator = await cloud.AdminClientAsync(stopping);
            var ids = new Dictionary<string, string>();
            foreach (var replica in replicas)
            {
                using var registered = await emulator.PostAsJsonAsync("_emulator/ec2/instances", new Registration(new Dictionary<string, string>
                {
                    ["Name"] = replica,
                    // As on AWS: the autoscaler may start and stop only this deployment's app-tier instances.
                    [SystemPermissions.DeploymentTag] = cloud.Prefix,
                }), stopping);
                registered.EnsureSuccessStatusCode();
                var instance = (await registered.Content.ReadFromJsonAsync<InstanceView>(stopping))!;
                ids[instance.InstanceId] = replica;
            }
            await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow });
            logger.LogInformation("App-tier instances registered in the emulator's EC2: {Instances}", string.Join(", ", ids.Select(i => $"{i.Value}={i.Key}")));

            using var timer = new PeriodicTimer(s_interval);
            while (await timer.WaitForNextTickAsync(stopping))
            {
                var instances = await emulator.GetFromJsonAsync<InstanceView[]>("_emulator/ec2/instances", stopping) ?? [];
                // At once for every instance: a start or stop command returns when its process has started or exited
                // (about a second each), so one by one a fleet of ten took ten seconds to stop.
                await Task.WhenAll(instances.Where(i => ids.ContainsKey(i.InstanceId))
                    .Select(instance => ReconcileAsync(instance, ids[instance.InstanceId], emulator, commands, notifications, logger, stopping)));
                var running = instances.Count(i => ids.ContainsKey(i.InstanceId) && i.State == "running");
                await notifications.PublishUpdateAsync(resource, s => s with
                {
                    Properties = [.. s.Properties.Where(p => p.Name != "Running"), new ResourcePropertySnapshot("Running", running)],
                });
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "The app-tier instance reconciler stopped");
            await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.FailedToStart, StopTimeStamp = DateTime.UtcNow });
        }
    }

    private static async Task ReconcileAsync(InstanceView instance, string replica, HttpClient emulator, ResourceCommandService commands,
        ResourceNotificationService notifications, ILogger logger, CancellationToken cancellationToken)
    {
        var snapshot = notifications.TryGetCurrentState(replica, out var current) ? current.Snapshot : null;
        var state = snapshot?.State?.Text;
        var stopped = state is null || state == KnownResourceStates.NotStarted || KnownResourceStates.TerminalStates.Contains(state);
        switch (instance.State)
        {
            case "pending" when stopped:
                logger.LogInformation("EC2 started {Instance}: starting {Replica}", instance.InstanceId, replica);
                await commands.ExecuteCommandAsync(replica, KnownResourceCommands.StartCommand, cancellationToken);
                break;
            case "pending" when state == KnownResourceStates.Running && snapshot!.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy:
                await Report(emulator, instance.InstanceId, "running", cancellationToken);
                break;
            case "stopping" when !stopped && state != KnownResourceStates.Stopping:
                logger.LogInformation("EC2 stopped {Instance}: stopping {Replica}", instance.InstanceId, replica);
                await commands.ExecuteCommandAsync(replica, KnownResourceCommands.StopCommand, cancellationToken);
                break;
            case "stopping" when stopped:
                await Report(emulator, instance.InstanceId, "stopped", cancellationToken);
                break;
        }
    }

    private static async Task Report(HttpClient emulator, string instanceId, string state, CancellationToken cancellationToken)
    {
        using var response = await emulator.PostAsJsonAsync($"_emulator/ec2/instances/{instanceId}/state", new StateReport(state), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private sealed record Registration([property: JsonPropertyName("tags")] Dictionary<string, string> Tags);

    private sealed record StateReport([property: JsonPropertyName("state")] string State);

    private sealed record InstanceView([property: JsonPropertyName("instanceId")] string InstanceId, [property: JsonPropertyName("state")] string State);
}
