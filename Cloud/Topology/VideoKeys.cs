namespace FaceRecognition.Cloud.Topology;

/// <summary>
/// Where a video's traces live, by its stem (<c>test_00</c> for <c>test_00.mp4</c>): the upload in the video input
/// bucket, its frames in the frames bucket, and the answer or the cause of failure in the video output bucket.
/// </summary>
public static class VideoKeys
{
    public const string VideoExtension = ".mp4";

    /// <summary>Object metadata on frames (without S3's x-amz-meta- prefix).</summary>
    public const string FrameCountMetadata = "frame-count";

    public static string Video(string stem) => stem + VideoExtension;

    /// <summary>The one frame of split mode <c>single</c>.</summary>
    public static string SingleFrame(string stem) => $"{stem}.jpg";

    /// <summary>Frame <paramref name="index"/> of split mode <c>sampled</c>: <c>test_00/output-00.jpg</c>, as the original.</summary>
    public static string SampledFrame(string stem, int index) => $"{stem}/output-{index:00}.jpg";

    /// <summary>The prefix of a video's sampled frames and of their per-frame votes.</summary>
    public static string FramesPrefix(string stem) => stem + "/";

    /// <summary>One frame's recognition, kept beside the frames until every frame of the video has voted.</summary>
    public static string Vote(string stem, int index) => $"{stem}/votes/output-{index:00}.json";

    public static string VotesPrefix(string stem) => $"{stem}/votes/";

    /// <summary>The answer: a text file holding just the name, as the original.</summary>
    public static string Result(string stem) => $"{stem}.txt";

    /// <summary>Why a video could not be recognised (never a <see cref="Result"/> key: stems hold no '/').</summary>
    public static string Failure(string stem) => $"failed/{stem}.txt";

    /// <summary>The stem and frame index of a frame key: <c>test_00.jpg</c> -> (test_00, null), <c>test_00/output-03.jpg</c> -> (test_00, 3).</summary>
    public static bool TryParseFrame(string key, out string stem, out int? index)
    {
        stem = "";
        index = null;
        if (!key.EndsWith(".jpg", StringComparison.Ordinal))
        {
            return false;
        }
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            stem = key[..^4];
            return stem.Length > 0;
        }
        var file = key[(slash + 1)..^4];
        if (slash == 0 || !file.StartsWith("output-", StringComparison.Ordinal) || key.IndexOf('/', slash + 1) >= 0
            || !int.TryParse(file.AsSpan(7), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }
        stem = key[..slash];
        index = n;
        return true;
    }

    /// <summary>The stem of a video key: the file name without its extension (<c>uploads/test_00.mp4</c> -> test_00).</summary>
    public static string StemOfVideo(string key)
    {
        var name = key[(key.LastIndexOf('/') + 1)..];
        return name.EndsWith(VideoExtension, StringComparison.OrdinalIgnoreCase) ? name[..^VideoExtension.Length] : name;
    }
}
