using FaceRecognition.Vision;
using FaceRecognition.Vision.Imaging;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace FaceRecognition.Cli;

/// <summary>What every command shares: progress and messages on stderr (stdout is for results), one-line errors.</summary>
internal static class CliConsole
{
    public const int Success = 0;
    public const int Failure = 1;

    /// <summary>Progress bars and tables, written to stderr so that stdout stays machine-readable.</summary>
    public static IAnsiConsole Messages { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public static int Error(string message)
    {
        Console.Error.WriteLine($"facerec: {message}");
        return Failure;
    }

    public static FaceRecognizer CreateEngine(float? threshold = null, float? minConfidence = null)
    {
        var options = new VisionOptions();
        if (threshold is { } t)
        {
            options.MatchThreshold = t;
        }
        if (minConfidence is { } c)
        {
            options.MinConfidence = c;
        }
        return new FaceRecognizer(Options.Create(options));
    }

    /// <summary>Runs a command body, turning the errors a user can cause into one line and a non-zero exit code.</summary>
    public static async Task<int> Run(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException
            or ImageRejectedException)
        {
            return Error(e.Message);
        }
        catch (OperationCanceledException)
        {
            return Error("cancelled.");
        }
    }

    /// <summary>Picture files of a folder (or the one file given), by extension; their content is checked when decoded.</summary>
    public static string[] Pictures(string path)
    {
        if (File.Exists(path))
        {
            return [path];
        }
        if (!Directory.Exists(path))
        {
            throw new FileNotFoundException($"{path} is neither a file nor a folder.");
        }
        string[] extensions = [".jpg", ".jpeg", ".png", ".webp", ".bmp"];
        return [.. Directory.EnumerateFiles(path)
            .Where(f => extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)];
    }
}
