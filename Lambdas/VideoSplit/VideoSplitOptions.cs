using System.ComponentModel.DataAnnotations;

namespace FaceRecognition.Lambdas.VideoSplit;

/// <summary>Configuration section "VideoSplit".</summary>
public sealed class VideoSplitOptions
{
    public const string SectionName = "VideoSplit";
    public const string SingleMode = "single";
    public const string SampledMode = "sampled";

    /// <summary><c>single</c>: the first frame, key <c>&lt;stem&gt;.jpg</c> (the later original); <c>sampled</c>: one
    /// frame every <see cref="SampleIntervalSeconds"/>, at most <see cref="MaxFrames"/>, keys
    /// <c>&lt;stem&gt;/output-NN.jpg</c> (the earlier original).</summary>
    public string Mode { get; set; } = SingleMode;

    [Range(1, 3600)]
    public int SampleIntervalSeconds { get; set; } = 10;

    [Range(1, 100)]
    public int MaxFrames { get; set; } = 10;

    /// <summary>Larger videos are refused before download.</summary>
    [Range(1, long.MaxValue)]
    public long MaxInputBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Longer videos are refused after probing.</summary>
    [Range(1, 86_400)]
    public double MaxDurationSeconds { get; set; } = 600;

    [Required]
    public string FfmpegPath { get; set; } = "ffmpeg";

    [Required]
    public string FfprobePath { get; set; } = "ffprobe";

    /// <summary>Where videos and frames are kept while one invocation works on them (the system's temp folder by default).</summary>
    public string? WorkDirectory { get; set; }

    /// <summary>Where a deployment package keeps its static ffmpeg and ffprobe, relative to the function.</summary>
    public const string BundledToolsFolder = "bin";

    /// <summary>Uses the ffmpeg and ffprobe the package carries (in <see cref="BundledToolsFolder"/> under
    /// <paramref name="applicationDirectory"/>) unless another path was configured.</summary>
    public void UseBundledTools(string applicationDirectory)
    {
        var ffmpeg = Path.Combine(applicationDirectory, BundledToolsFolder, "ffmpeg");
        var ffprobe = Path.Combine(applicationDirectory, BundledToolsFolder, "ffprobe");
        if (FfmpegPath == "ffmpeg" && File.Exists(ffmpeg)) FfmpegPath = ffmpeg;
        if (FfprobePath == "ffprobe" && File.Exists(ffprobe)) FfprobePath = ffprobe;
    }
}
