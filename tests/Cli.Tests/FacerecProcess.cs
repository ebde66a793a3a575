using System.Diagnostics;

namespace FaceRecognition.Cli.Tests;

internal sealed record FacerecRun(int ExitCode, string Output, string Error);

/// <summary>Runs the built facerec executable as a user would, capturing its output.</summary>
internal static class FacerecProcess
{
    public static async Task<FacerecRun> Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "facerec.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new FacerecRun(process.ExitCode, await output, await error);
    }

    public static string FaceApiDemo(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, ".cache", "face-api", "package", "demo", file);
            if (File.Exists(path))
            {
                return path;
            }
        }
        Assert.Skip($"face-api demo photo {file} is missing: run scripts/fetch-face-api.sh (./test.sh does).");
        return "";
    }
}
