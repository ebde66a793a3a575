using FaceRecognition.AppHost.Cloud;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>
/// The clouds the cross-backend suite runs on: the embedded emulator (always) and LocalStack (a container the AppHost's
/// Cloud:Backend=LocalStack path starts; needs a Docker daemon and LOCALSTACK_AUTH_TOKEN). Where a backend cannot run,
/// its tests are skipped with the reason.
/// </summary>
public static class CloudBackends
{
    public const string TokenVariable = "LOCALSTACK_AUTH_TOKEN";

    public static TheoryData<string> All => [nameof(CloudBackend.Emulator), nameof(CloudBackend.LocalStack)];

    /// <returns>Null when <paramref name="backend"/> can run here, else why it cannot.</returns>
    public static string? Unavailable(string backend, Func<string, string?> environment, Func<string?> containerRuntimeMissing)
    {
        if (backend == nameof(CloudBackend.Emulator))
        {
            return null;
        }
        if (containerRuntimeMissing() is { } missing)
        {
            return $"no Docker daemon ({missing})";
        }
        return string.IsNullOrEmpty(environment(TokenVariable)) ? $"{TokenVariable} not set" : null;
    }

    /// <summary>Starts the AppHost on <paramref name="backend"/>, or skips the test saying why it cannot run here.</summary>
    public static async Task<AppHostRun> StartAsync(string backend, CancellationToken cancellationToken, params string[] arguments)
    {
        if (Unavailable(backend, Environment.GetEnvironmentVariable, () => ContainerRuntime.Missing()) is { } reason)
        {
            Assert.Skip($"{backend} backend: {reason}.");
        }
        string[] backendArguments = backend == nameof(CloudBackend.LocalStack)
            // EC2 autoscaling runs on the emulator's EC2 only; on LocalStack the app tier runs fixed.
            ? [$"--Cloud:Backend={backend}", $"--Parameters:localstack-auth-token={Environment.GetEnvironmentVariable(TokenVariable)}", "--AppTier:Autoscale=false"]
            : [];
        var data = Directory.CreateTempSubdirectory($"facerec-e2e-{backend.ToLowerInvariant()}-").FullName;
        return await AppHostRun.StartAsync(data, cancellationToken, [.. backendArguments, .. arguments]);
    }
}
