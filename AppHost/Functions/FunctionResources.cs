using System.Net.Http.Json;
using System.Text.Json.Serialization;
using FaceRecognition.AppHost.Cloud;
using FaceRecognition.Cloud.Topology;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.AppHost.Functions;

/// <summary>A Lambda function as the dashboard shows it: its state, environments, invocations and errors, and its log.</summary>
public sealed class LambdaFunctionResource(string name) : Resource(name);

/// <summary>
/// The functions in the dashboard. They run in the cloud (the emulator's Lambda starts their execution environments),
/// not as resources of the AppHost, so each is a custom resource that follows its function: on the emulator, from its
/// admin API (environments, invocations, errors, throttles, and the function's log lines, as its console log).
/// </summary>
internal static class FunctionResources
{
    public static readonly string[] Names = [TopologyNames.VideoSplitFunction, TopologyNames.FaceRecognitionFunction];

    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);

    public static void AddFunctions(this IDistributedApplicationBuilder builder, CloudResource cloud)
    {
        foreach (var name in Names)
        {
            var resource = builder.AddResource(new LambdaFunctionResource(name))
                .WithInitialState(new CustomResourceSnapshot
                {
                    ResourceType = "Lambda function",
                    State = KnownResourceStates.NotStarted,
                    Properties = [new ResourcePropertySnapshot("Runtime", FunctionSpec.Runtime)],
                });
            builder.Eventing.Subscribe<InitializeResourceEvent>(resource.Resource, (e, cancellationToken) =>
            {
                var stopping = e.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping;
                var logs = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(resource.Resource);
                _ = Task.Run(() => FollowAsync(cloud, resource.Resource, e.Notifications, logs, e.Logger, stopping), CancellationToken.None);
                return Task.CompletedTask;
            });
        }
    }

    private static async Task FollowAsync(CloudResource cloud, LambdaFunctionResource resource, ResourceNotificationService notifications, ILogger logs, ILogger logger,
        CancellationToken stopping)
    {
        try
        {
            await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Waiting });
            var provisioned = await notifications.WaitForResourceAsync(CloudExtensions.ProvisioningName,
                e => e.Snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state), stopping);
            if (provisioned.Snapshot.ExitCode != 0)
            {
                await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.FailedToStart });
                return;
            }
            await notifications.PublishUpdateAsync(resource, s => s with { State = new ResourceStateSnapshot("Active", KnownResourceStateStyles.Success), StartTimeStamp = DateTime.UtcNow });
            if (cloud.Backend != CloudBackend.Emulator) return;
            using var emulator = await cloud.AdminClientAsync(stopping, TimeSpan.FromMinutes(2));
            await Task.WhenAll(StatusAsync(emulator, resource, notifications, stopping), LogsAsync(emulator, resource.Name, logs, stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Following function {Function} stopped", resource.Name);
        }
    }

    private static async Task StatusAsync(HttpClient emulator, LambdaFunctionResource resource, ResourceNotificationService notifications, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(s_interval);
        do
        {
            FunctionStatus? status;
            try
            {
                status = (await emulator.GetFromJsonAsync<FunctionStatus[]>("_emulator/lambda/functions", stopping))?.FirstOrDefault(f => f.Name == resource.Name);
            }
            catch (HttpRequestException)
            {
                // The emulator is restarting.
                continue;
            }
            if (status is null) continue;
            var busy = status.Environments.Count(e => e.State == "Busy");
            await notifications.PublishUpdateAsync(resource, s => s with
            {
                Properties =
                [
                    .. s.Properties.Where(p => p.Name is "Runtime"),
                    new ResourcePropertySnapshot("Reserved concurrency", status.ReservedConcurrency?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"),
                    new ResourcePropertySnapshot("Environments", $"{status.Environments.Length} ({busy} busy)"),
                    new ResourcePropertySnapshot("Running", status.Running),
                    new ResourcePropertySnapshot("Peak concurrency", status.PeakRunning),
                    new ResourcePropertySnapshot("Invocations", status.Invocations),
                    new ResourcePropertySnapshot("Errors", status.Errors),
                    new ResourcePropertySnapshot("Throttles", status.Throttles),
                    new ResourcePropertySnapshot("Environment processes", string.Join(", ", status.Environments.Select(e => $"{e.Id} pid {e.ProcessId} {e.State}"))),
                ],
            });
        }
        while (await timer.WaitForNextTickAsync(stopping));
    }

    /// <summary>The function's log lines (its environments' output, and START/END/REPORT), as its console log.</summary>
    private static async Task LogsAsync(HttpClient emulator, string function, ILogger logs, CancellationToken stopping)
    {
        long after = 0;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var lines = await emulator.GetFromJsonAsync<LogLine[]>($"_emulator/lambda/functions/{function}/logs?after={after}&wait=20", stopping) ?? [];
                foreach (var line in lines)
                {
                    logs.LogInformation("[{Environment}] {Text}", line.Environment, line.Text);
                    after = Math.Max(after, line.Sequence);
                }
            }
            catch (HttpRequestException)
            {
                await Task.Delay(s_interval, stopping);
            }
        }
    }

    private sealed record FunctionStatus(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("reservedConcurrency")] int? ReservedConcurrency,
        [property: JsonPropertyName("running")] int Running,
        [property: JsonPropertyName("peakRunning")] int PeakRunning,
        [property: JsonPropertyName("invocations")] long Invocations,
        [property: JsonPropertyName("errors")] long Errors,
        [property: JsonPropertyName("throttles")] long Throttles,
        [property: JsonPropertyName("environments")] EnvironmentStatus[] Environments);

    private sealed record EnvironmentStatus(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("processId")] int? ProcessId,
        [property: JsonPropertyName("state")] string State);

    private sealed record LogLine(
        [property: JsonPropertyName("sequence")] long Sequence,
        [property: JsonPropertyName("environment")] string Environment,
        [property: JsonPropertyName("text")] string Text);
}
