using System.ComponentModel;
using System.Diagnostics;

namespace FaceRecognition.Lambdas.VideoSplit;

/// <summary>Runs a program with an argument list (never through a shell) and collects its output; killed when cancelled.</summary>
internal static class ExternalTool
{
    public static async Task<ToolResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"'{program}' did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"'{program}' could not be started ({e.Message}); install ffmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg) or set VideoSplit:FfmpegPath/FfprobePath.", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            return new ToolResult(process.ExitCode, await output, await error);
        }
    }
}

internal sealed partial record ToolResult(int ExitCode, string Output, string Error)
{
    /// <summary>What went wrong, in the tool's words: its first distinct error messages without the "[h264 @ 0x…]"
    /// prefixes ("moov atom not found", "Invalid NAL unit size (266501 > 95651)."), or the exit code.</summary>
    public string ErrorSummary
    {
        get
        {
            var messages = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => ComponentPrefix().Replace(line, "")).Distinct(StringComparer.Ordinal).Take(3).ToArray();
            return messages.Length == 0 ? $"exit code {ExitCode}" : string.Join(" / ", messages);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\[[^\]]*@ 0x[0-9a-f]+\]\s*")]
    private static partial System.Text.RegularExpressions.Regex ComponentPrefix();
}
