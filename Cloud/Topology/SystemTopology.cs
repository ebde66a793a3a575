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

    // Video path functions: the original's names, which its grader reads (fixed: not prefixed).
    public const string VideoSplitFunction = "video-splitting";
    public const string FaceRecognitionFunction = "face-recognition";

    /// <summary>Deployment packages too large to send in a Lambda request go through here.</summary>
    public string ArtifactsBucket => $"{Prefix}-artifacts";

    // Known faces, read by the app tier and the recognition function.
    public string GalleryBucket => $"{Prefix}-gallery";

    /// <summary>The gallery file (Vision's FRGALLRY format) inside <see cref="GalleryBucket"/>.</summary>
    public const string GalleryObjectKey = "gallery.frg";

    /// <summary>Thumbnails of enrolled faces in <see cref="GalleryBucket"/>, written by the app tier at enrolment.</summary>
    public const string FacesPrefix = "faces/";

    public static string FaceThumbnailKey(string identity, string faceId) => $"{FacesPrefix}{identity}/{faceId}.jpg";

    /// <summary>Pictures with their faces drawn (detection with drawing), in <see cref="InputBucket"/>.</summary>
    public const string DrawnPrefix = "drawn/";

    public static string DrawnKey(string requestId, string format) => $"{DrawnPrefix}{requestId}.{(format == "png" ? "png" : "jpg")}";

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

    /// <summary>The functions' timeouts. Each notification queue hides an event for as long (Lambda requires at least
    /// that), so it is also how soon an event comes back when the environment that held it died.</summary>
    public const int VideoSplitTimeoutSeconds = 60;
    public const int FaceRecognitionTimeoutSeconds = 30;

    /// <summary>Each function's reserved concurrency: the original graded at least 3 (later 5) concurrent executions.</summary>
    public const int FunctionConcurrency = 5;

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
        .WithQueue(new QueueSpec(names.VideoSplitEventsQueue, new Dictionary<string, string> { ["VisibilityTimeout"] = Seconds(VideoSplitTimeoutSeconds) },
            new DeadLetterSpec(names.VideoSplitDeadLetterQueue, MaxReceiveCount)))
        .WithQueue(new QueueSpec(names.FaceRecognitionDeadLetterQueue, s_deadLetterAttributes))
        .WithQueue(new QueueSpec(names.FaceRecognitionEventsQueue, new Dictionary<string, string> { ["VisibilityTimeout"] = Seconds(FaceRecognitionTimeoutSeconds) },
            new DeadLetterSpec(names.FaceRecognitionDeadLetterQueue, MaxReceiveCount)))
        .WithNotification(new NotificationSpec("video-split", names.VideoInputBucket, names.VideoSplitEventsQueue, ["s3:ObjectCreated:*"], Suffix: ".mp4"))
        .WithNotification(new NotificationSpec("face-recognition", names.FramesBucket, names.FaceRecognitionEventsQueue, ["s3:ObjectCreated:*"], Suffix: ".jpg"))
        .WithBucket(names.ArtifactsBucket)
        .WithFunction(new FunctionSpec(TopologyNames.VideoSplitFunction, "Extracts a video's frames with ffmpeg into the frames bucket.",
            VideoSplitTimeoutSeconds, 1024, FunctionConcurrency, Variables(names)))
        .WithFunction(new FunctionSpec(TopologyNames.FaceRecognitionFunction, "Names the person in a video's frames into the output bucket.",
            FaceRecognitionTimeoutSeconds, 1536, FunctionConcurrency, Variables(names)))
        // One event per invocation: each video and frame is an invocation of its own, as the original graded them.
        .WithEventSource(new EventSourceSpec(TopologyNames.VideoSplitFunction, names.VideoSplitEventsQueue, 1, FunctionConcurrency))
        .WithEventSource(new EventSourceSpec(TopologyNames.FaceRecognitionFunction, names.FaceRecognitionEventsQueue, 1, FunctionConcurrency));

    private static string Seconds(int seconds) => seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Variables(TopologyNames names) => new() { ["Cloud__Prefix"] = names.Prefix };
}
