using FaceRecognition.AppHost.Cloud;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>
/// The clouds the cross-backend suite runs on: the embedded emulator (always) and LocalStack (a container the AppHost's
/// Cloud:Backend=LocalStack path starts; needs a Docker daemon and LOCALSTACK_AUTH_TOKEN). Where a backend cannot run,
/// its tests are skipped with the reason.
/// </summary>
public static class CloudBackends
{
    public static TheoryData<string> All => [nameof(CloudBackend.Emulator), nameof(CloudBackend.LocalStack)];

    /// <summary>Starts the AppHost on <paramref name="backend"/>, or skips the test saying why it cannot run here.</summary>
    public static async Task<AppHostRun> StartAsync(string backend, CancellationToken cancellationToken, params string[] arguments)
    {
        if (BackendAvailability.Here(backend) is { } reason)
        {
            Assert.Skip($"{backend} backend: {reason}.");
        }
        string[] backendArguments = backend == nameof(CloudBackend.LocalStack)
            // EC2 autoscaling runs on the emulator's EC2 only; on LocalStack the app tier runs fixed.
            ? [$"--Cloud:Backend={backend}", $"--Parameters:localstack-auth-token={Environment.GetEnvironmentVariable(BackendAvailability.TokenVariable)}", "--AppTier:Autoscale=false"]
            : [];
        var data = Directory.CreateTempSubdirectory($"facerec-e2e-{backend.ToLowerInvariant()}-").FullName;
        return await AppHostRun.StartAsync(data, cancellationToken, [.. backendArguments, .. arguments]);
    }
}
