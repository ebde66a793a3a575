using System.Globalization;
using FaceRecognition.Cloud.Messaging;

namespace FaceRecognition.Lambdas.VideoSplit;

/// <summary>Probes a video file with ffprobe and extracts its frames as JPEG files with ffmpeg.</summary>
internal sealed class FrameExtractor(IOptions<VideoSplitOptions> options)
{
    private readonly VideoSplitOptions _options = options.Value;

    /// <summary>The video's duration in seconds.</summary>
    /// <exception cref="InputRejectedException">No readable video stream, or longer than allowed.</exception>
    public async Task<double> ProbeAsync(string videoPath, CancellationToken cancellationToken)
    {
        var probe = await ExternalTool.RunAsync(_options.FfprobePath,
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_type:format=duration", "-of", "default=noprint_wrappers=1", videoPath],
            cancellationToken);
        if (probe.ExitCode != 0)
        {
            throw new InputRejectedException($"Not a readable video: ffprobe says '{WithoutPath(probe.ErrorSummary, videoPath)}'.");
        }
        var fields = probe.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2)).Where(pair => pair.Length == 2)
            .ToLookup(pair => pair[0], pair => pair[1]);
        if (!fields["codec_type"].Contains("video"))
        {
            throw new InputRejectedException("Not a video: the file has no video stream.");
        }
        var duration = double.TryParse(fields["duration"].FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? seconds : 0;
        if (duration > _options.MaxDurationSeconds)
        {
            throw new InputRejectedException($"The video lasts {duration:0.#} s; the limit is {_options.MaxDurationSeconds:0.#} s (VideoSplit:MaxDurationSeconds).");
        }
        return duration;
    }

    /// <summary>Writes the frames the mode asks for into <paramref name="outputDirectory"/>, in order.</summary>
    /// <exception cref="InputRejectedException">ffmpeg could not decode a frame.</exception>
    public async Task<IReadOnlyList<string>> ExtractAsync(string videoPath, string outputDirectory, CancellationToken cancellationToken)
    {
        // -nostdin: never wait for a keypress; -q:v 2: high-quality JPEG, as a face needs.
        List<string> arguments = ["-nostdin", "-v", "error", "-i", videoPath];
        if (_options.Mode == VideoSplitOptions.SampledMode)
        {
            // The first frame, then the first at least an interval after the last one taken. (fps=1/10, as the original
            // wrote it, gives no frame at all for a video shorter than about 5 s, and the original workload's are 2 s.)
            // -vsync rather than -fps_mode: ffmpeg 4.4 (Ubuntu 22.04) knows only the former.
            var interval = _options.SampleIntervalSeconds.ToString(CultureInfo.InvariantCulture);
            arguments.AddRange(["-vf", $"select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,{interval})'", "-vsync", "vfr",
                "-frames:v", _options.MaxFrames.ToString(CultureInfo.InvariantCulture), "-start_number", "0", "-q:v", "2",
                Path.Combine(outputDirectory, "output-%02d.jpg")]);
        }
        else
        {
            arguments.AddRange(["-frames:v", "1", "-q:v", "2", Path.Combine(outputDirectory, "output-00.jpg")]);
        }
        var run = await ExternalTool.RunAsync(_options.FfmpegPath, arguments, cancellationToken);
        var frames = Directory.GetFiles(outputDirectory, "output-*.jpg").Order(StringComparer.Ordinal).ToArray();
        if (run.ExitCode != 0 || frames.Length == 0)
        {
            throw new InputRejectedException(run.ExitCode != 0
                ? $"The video could not be decoded: ffmpeg says '{WithoutPath(run.ErrorSummary, videoPath)}'."
                : "The video has no frame ffmpeg could decode.");
        }
        return frames;
    }

    /// <summary>The tools name the temporary file; the cause is read by people who know the video by its key.</summary>
    private static string WithoutPath(string message, string videoPath) => message.Replace(videoPath + ": ", "", StringComparison.Ordinal);
}
