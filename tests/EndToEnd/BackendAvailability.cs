using FaceRecognition.AppHost.Cloud;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>Whether a cloud backend can run on this machine: the emulator always; LocalStack with a Docker daemon and
/// LOCALSTACK_AUTH_TOKEN. Shared by the end-to-end and the SDK-level cross-backend tests.</summary>
public static class BackendAvailability
{
    public const string TokenVariable = "LOCALSTACK_AUTH_TOKEN";

    /// <summary>Null when <paramref name="backend"/> can run here, else why it cannot.</summary>
    public static string? Here(string backend) => Unavailable(backend, Environment.GetEnvironmentVariable, () => ContainerRuntime.Missing());

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

}
