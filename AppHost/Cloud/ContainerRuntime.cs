using System.Diagnostics;

namespace FaceRecognition.AppHost.Cloud;

/// <summary>Whether a container runtime answers. Aspire has no builder-time check; without one, a container resource
/// only shows RuntimeUnhealthy later, so a backend that needs containers asks first and fails the start clearly.</summary>
internal static class ContainerRuntime
{
    /// <returns>Null when a runtime answers, else what is missing, in words a person can act on.</returns>
    public static string? Missing(string executable = "docker")
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(executable, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null) return $"'{executable}' could not be started";
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(10_000))
            {
                process.Kill();
                return $"'{executable} info' did not answer within 10 s";
            }
            return process.ExitCode == 0 ? null : $"no container runtime answers ('{executable} info' failed: {error.Result.Trim()})";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return $"no container runtime is installed ('{executable}' is not on PATH)";
        }
    }
}
