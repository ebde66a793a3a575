using System.Diagnostics;

namespace FaceRecognition.Bench;

/// <summary>Runs a tool a benchmark needs (ffmpeg, ffprobe, node, dotnet) and returns what it wrote to stdout.</summary>
internal static class BenchProcess
{
    /// <exception cref="InvalidOperationException">The tool exited with a non-zero code; the message holds its stderr.</exception>
    public static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed: {error.Result}");
        }
        return output.Result;
    }
}
