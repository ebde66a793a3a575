using System.Text.RegularExpressions;

namespace FaceRecognition.Cloud.Topology;

/// <summary>The names of FaceRecognition's cloud resources, all derived from one prefix (the original course project
/// used a student id), so producer and consumer can never disagree on a name.</summary>
public sealed partial record TopologyNames
{
    public const string DefaultPrefix = "facerec";

    public TopologyNames(string prefix)
    {
        if (!PrefixPattern().IsMatch(prefix))
        {
            throw new ArgumentException(
                $"The prefix '{prefix}' is not usable in bucket and queue names: use 1 to 30 lower-case letters, digits and single hyphens, starting with a letter or digit.",
                nameof(prefix));
        }
        Prefix = prefix;
    }

    public string Prefix { get; }

    // Image path (web tier -> request queue -> app tier -> response queue).
    public string InputBucket => $"{Prefix}-in-bucket";
    public string OutputBucket => $"{Prefix}-out-bucket";
    public string RequestQueue => $"{Prefix}-req-queue";
    public string RequestDeadLetterQueue => $"{Prefix}-req-queue-dlq";
    public string ResponseQueue => $"{Prefix}-resp-queue";

    // Known faces, read by the app tier and the recognition function.
    public string GalleryBucket => $"{Prefix}-gallery";

    /// <summary>The gallery file (Vision's FRGALLRY format) inside <see cref="GalleryBucket"/>.</summary>
    public const string GalleryObjectKey = "gallery.frg";

    /// <summary>The reply queue of one web-tier instance: replies go only to the instance that waits for them.</summary>
    public string ReplyQueueFor(string instanceId) => $"{ResponseQueue}-{instanceId}";

    // Video path (input -> video-splitting -> stage-1 -> face-recognition -> output).
    public string VideoInputBucket => $"{Prefix}-input";
    public string FramesBucket => $"{Prefix}-stage-1";
    public string VideoOutputBucket => $"{Prefix}-output";
    public string VideoSplitEventsQueue => $"{Prefix}-video-split-events";
    public string VideoSplitDeadLetterQueue => $"{Prefix}-video-split-events-dlq";
    public string FaceRecognitionEventsQueue => $"{Prefix}-face-recognition-events";
    public string FaceRecognitionDeadLetterQueue => $"{Prefix}-face-recognition-events-dlq";

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,29}$")]
    private static partial Regex PrefixPattern();
}

/// <summary>FaceRecognition's topology. Later capabilities extend it here, in one place.</summary>
public static class SystemTopology
{
    /// <summary>The original's request queue limit: images travel through S3, never through a queue.</summary>
    public const int RequestMessageMaxBytes = 1024;

    /// <summary>Receives before a message counts as poison and moves to its dead-letter queue.</summary>
    public const int MaxReceiveCount = 3;

    /// <summary>How soon a function's event is offered again when its process died holding it. The event source keeps
    /// longer work invisible by renewing at half this, so it bounds recovery time, not work time.</summary>
    private const string FunctionVisibilityTimeoutSeconds = "30";

    private static readonly IReadOnlyDictionary<string, string> s_deadLetterAttributes =
        new Dictionary<string, string> { ["MessageRetentionPeriod"] = "1209600" };

    public static CloudTopology For(TopologyNames names) => CloudTopology.Empty
        .WithBucket(names.InputBucket)
        .WithBucket(names.OutputBucket)
        .WithBucket(names.GalleryBucket)
        .WithBucket(names.VideoInputBucket)
        .WithBucket(names.FramesBucket)
        .WithBucket(names.VideoOutputBucket)
        .WithQueue(new QueueSpec(names.RequestDeadLetterQueue, s_deadLetterAttributes))
        .WithQueue(new QueueSpec(names.RequestQueue,
            new Dictionary<string, string> { ["MaximumMessageSize"] = RequestMessageMaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), ["VisibilityTimeout"] = "30" },
            new DeadLetterSpec(names.RequestDeadLetterQueue, MaxReceiveCount)))
        .WithQueue(new QueueSpec(names.ResponseQueue, new Dictionary<string, string>()))
        .WithQueue(new QueueSpec(names.VideoSplitDeadLetterQueue, s_deadLetterAttributes))
        .WithQueue(new QueueSpec(names.VideoSplitEventsQueue, new Dictionary<string, string> { ["VisibilityTimeout"] = FunctionVisibilityTimeoutSeconds },
            new DeadLetterSpec(names.VideoSplitDeadLetterQueue, MaxReceiveCount)))
        .WithQueue(new QueueSpec(names.FaceRecognitionDeadLetterQueue, s_deadLetterAttributes))
        .WithQueue(new QueueSpec(names.FaceRecognitionEventsQueue, new Dictionary<string, string> { ["VisibilityTimeout"] = FunctionVisibilityTimeoutSeconds },
            new DeadLetterSpec(names.FaceRecognitionDeadLetterQueue, MaxReceiveCount)))
        .WithNotification(new NotificationSpec("video-split", names.VideoInputBucket, names.VideoSplitEventsQueue, ["s3:ObjectCreated:*"], Suffix: ".mp4"))
        .WithNotification(new NotificationSpec("face-recognition", names.FramesBucket, names.FaceRecognitionEventsQueue, ["s3:ObjectCreated:*"], Suffix: ".jpg"));
}
