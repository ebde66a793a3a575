using System.Diagnostics;

namespace FaceRecognition.Tests.Support;

/// <summary>Test videos made on the spot with the real ffmpeg (no video is committed): test patterns, stills, hostile files.</summary>
public sealed class SyntheticVideos : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("facerec-videos-").FullName;

    /// <summary>An H.264 MP4 of ffmpeg's test pattern.</summary>
    public string TestPattern(string name, double seconds, int width = 320, int height = 240) =>
        Make(name, ["-f", "lavfi", "-i", $"testsrc=duration={seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}:size={width}x{height}:rate=10"]);

    /// <summary>An H.264 MP4 showing one picture for <paramref name="seconds"/>.</summary>
    public string Still(string name, string picture, double seconds = 2) =>
        Make(name, ["-loop", "1", "-i", picture, "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-r", "10",
            "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2"]);

    /// <summary>A long 720p video that is slow to decode but small: a 2 s test pattern, heavily compressed, repeated
    /// without re-encoding for <paramref name="repeats"/> times (240 s, about 10 MB, take ffmpeg several seconds).</summary>
    public string SlowToDecode(string name, int repeats = 120)
    {
        var seed = Path.Combine(Folder, "seed-" + name);
        Run(["-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-t", "2", "-c:v", "libx264", "-preset", "veryfast", "-crf", "45", "-pix_fmt", "yuv420p", seed]);
        var path = Path.Combine(Folder, name);
        Run(["-stream_loop", (repeats - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", seed, "-c", "copy", path]);
        File.Delete(seed);
        return path;
    }

    /// <summary>An MP4 with sound only.</summary>
    public string AudioOnly(string name)
    {
        var path = Path.Combine(Folder, name);
        Run(["-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "aac", path]);
        return path;
    }

    /// <summary>The first <paramref name="bytes"/> of a video: its index (moov, written last) is missing.</summary>
    public string Truncated(string name, string video, int bytes)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, File.ReadAllBytes(video)[..bytes]);
        return path;
    }

    public string Bytes(string name, byte[] content)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>The frame of <paramref name="video"/> at <paramref name="seconds"/>, as a JPEG file.</summary>
    public string Frame(string name, string video, double seconds = 0)
    {
        var path = Path.Combine(Folder, name);
        Run(["-ss", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", video, "-frames:v", "1", "-q:v", "2", path]);
        return path;
    }

    private string Make(string name, string[] input)
    {
        var path = Path.Combine(Folder, name);
        Run([.. input, "-c:v", "libx264", "-pix_fmt", "yuv420p", path]);
        return path;
    }

    private static void Run(string[] arguments)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["-nostdin", "-v", "error", "-y", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg {string.Join(' ', arguments)} failed: {error}");
        }
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
