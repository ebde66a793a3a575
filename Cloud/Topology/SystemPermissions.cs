namespace FaceRecognition.Cloud.Topology;

/// <summary>
/// What each component of the system may do on its cloud, and nothing more: one role per component, each holding the
/// calls its code makes on only the resources it uses. The deployed stack gives its roles exactly these statements
/// (deploy/, held to them by tests/Deploy.Tests), and the local emulator enforces them with per-component credentials,
/// so a missing permission fails locally rather than after a deployment.
/// </summary>
public static class SystemPermissions
{
    public const string WebTier = "web-tier";
    public const string AppTier = "app-tier";

    /// <summary>Every component with a role: the two tiers and the two functions.</summary>
    public static readonly IReadOnlyList<string> Components = [WebTier, AppTier, TopologyNames.VideoSplitFunction, TopologyNames.FaceRecognitionFunction];

    /// <summary>The tag every instance of a deployment carries, its value the prefix: the autoscaler may start and
    /// stop only instances tagged as this deployment's app tier.</summary>
    public const string DeploymentTag = "FaceRecognition:Deployment";

    /// <summary>The Name tag of the app-tier instances the autoscaler manages.</summary>
    public const string AppTierNamePattern = "app-tier-instance-*";

    /// <summary>The web tier's EC2 instance Name (further local replicas: web-instance-2, ...), which the original
    /// course's grader counts as <c>web-instance*</c>.</summary>
    public const string WebTierInstanceName = "web-instance";

    /// <summary>The role a component runs as (locally, also the principal the emulator knows it by).</summary>
    public static string RoleName(TopologyNames names, string component) => $"{names.Prefix}-{component}";

    /// <summary>Where a component's log goes: Lambda's group for a function, the tier's own group for a tier.</summary>
    public static string LogGroup(TopologyNames names, string component) =>
        component is WebTier or AppTier ? $"/facerec/{names.Prefix}/{component}" : $"/aws/lambda/{component}";

    public static IReadOnlyList<PermissionStatement> For(string component, TopologyNames names) => component switch
    {
        WebTier => [.. WebTierStatements(names), .. Telemetry(names, component)],
        AppTier => [.. AppTierStatements(names), .. Telemetry(names, component)],
        TopologyNames.VideoSplitFunction => [.. FunctionLog(component), .. VideoSplitStatements(names)],
        TopologyNames.FaceRecognitionFunction => [.. FunctionLog(component), .. FaceRecognitionStatements(names)],
        _ => throw new ArgumentException($"No permissions are defined for '{component}'.", nameof(component)),
    };

    private static IEnumerable<PermissionStatement> WebTierStatements(TopologyNames names)
    {
        // RecognitionClient: pictures under <stem>/<id>.<ext> and enrolments under enroll/<name>/<id>/.
        yield return Allow("UploadPictures", ["s3:PutObject"], [Objects(names.InputBucket, "*")]);
        yield return Allow("ReadAnswers", ["s3:GetObject"], [Objects(names.OutputBucket, "*")]);
        // IdentityEndpoints lists identities (enrolling and forgetting are app-tier jobs: the app tier alone writes it).
        yield return Allow("ReadGallery", ["s3:GetObject"],
            [Objects(names.GalleryBucket, TopologyNames.GalleryObjectKey), Objects(names.GalleryBucket, TopologyNames.FacesPrefix + "*")]);
        // Detection with drawing: the app tier stores the drawn picture, the web tier hands it to the caller.
        yield return Allow("ReadDrawnPictures", ["s3:GetObject"], [Objects(names.InputBucket, TopologyNames.DrawnPrefix + "*")]);
        // VideoEndpoints and VideoUploader: uploads (multipart above a size, aborted on failure) and status checks.
        yield return Allow("UploadVideos", ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"], [Objects(names.VideoInputBucket, VideoKeys.Video("*"))]);
        yield return Allow("ReadAndResetVideoResults", ["s3:GetObject", "s3:DeleteObject"],
            [Objects(names.VideoOutputBucket, VideoKeys.Result("*")), Objects(names.VideoOutputBucket, VideoKeys.Failure("*"))]);
        yield return Allow("ListFrames", ["s3:ListBucket"], [Bucket(names.FramesBucket)]);
        // A missing result, video or gallery is a 404 to the web tier's callers: S3 answers 404 rather than 403 only with ListBucket.
        yield return Allow("TellMissingObjects", ["s3:ListBucket"],
            [Bucket(names.OutputBucket), Bucket(names.GalleryBucket), Bucket(names.VideoInputBucket), Bucket(names.VideoOutputBucket)]);
        yield return Allow("SendRequests", ["sqs:GetQueueUrl", "sqs:SendMessage", "sqs:GetQueueAttributes"], [Queue(names.RequestQueue)]);
        // SystemEndpoints shows every queue's depth and dead letters.
        yield return Allow("WatchQueues", ["sqs:GetQueueUrl", "sqs:GetQueueAttributes"], [.. SystemTopology.For(names).Queues.Select(q => Queue(q.Name))]);
        // ReplyListener: the one web tier (the first one locally) reads its replies on the response queue; further
        // replicas each on a queue of their own, created at start and deleted at stop. Its QueueConsumer reads the
        // queue's redrive policy and hands back what it cannot finish.
        yield return Allow("Replies", [.. s_consume], [Queue(names.ResponseQueue)]);
        yield return Allow("OwnReplyQueues", ["sqs:CreateQueue", .. s_consume, "sqs:DeleteQueue"], [Queue(names.ReplyQueueFor("*"))]);
        // EC2's Describe actions have no resource-level permissions.
        yield return Allow("SeeInstances", ["ec2:DescribeInstances"], ["*"]);
        yield return Allow("ScaleAppTier", ["ec2:StartInstances", "ec2:StopInstances"],
            [$"arn:{PermissionStatement.Partition}:ec2:{PermissionStatement.Region}:{PermissionStatement.Account}:instance/*"],
            new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["StringEquals"] = new Dictionary<string, string> { ["ec2:ResourceTag/" + DeploymentTag] = names.Prefix },
                ["StringLike"] = new Dictionary<string, string> { ["ec2:ResourceTag/Name"] = AppTierNamePattern },
            });
    }

    private static IEnumerable<PermissionStatement> AppTierStatements(TopologyNames names)
    {
        // RequestWorker's QueueConsumer, which dead-letters a request with its cause.
        yield return Allow("TakeRequests", [.. s_consume], [Queue(names.RequestQueue)]);
        yield return Allow("DeadLetterWithCause", ["sqs:GetQueueUrl", "sqs:SendMessage"], [Queue(names.RequestDeadLetterQueue)]);
        yield return Allow("Reply", ["sqs:GetQueueUrl", "sqs:SendMessage"], [Queue(names.ResponseQueue), Queue(names.ReplyQueueFor("*"))]);
        yield return Allow("ReadPictures", ["s3:GetObject"], [Objects(names.InputBucket, "*")]);
        // Enrollment lists the pictures of one enrolment.
        yield return Allow("ListEnrolments", ["s3:ListBucket"], [Bucket(names.InputBucket)], Like("s3:prefix", "enroll/*"));
        yield return Allow("WriteAnswers", ["s3:PutObject"], [Objects(names.OutputBucket, "*")]);
        yield return Allow("ReadAndEditGallery", ["s3:GetObject", "s3:PutObject"], [Objects(names.GalleryBucket, TopologyNames.GalleryObjectKey)]);
        // Enrollment keeps a thumbnail of each enrolled face and deletes it with the face.
        yield return Allow("KeepFaceThumbnails", ["s3:PutObject", "s3:DeleteObject"], [Objects(names.GalleryBucket, TopologyNames.FacesPrefix + "*")]);
        yield return Allow("StoreDrawnPictures", ["s3:PutObject"], [Objects(names.InputBucket, TopologyNames.DrawnPrefix + "*")]);
        // GalleryCache reads a missing gallery as an empty one (404, not 403, needs ListBucket).
        yield return Allow("TellMissingGallery", ["s3:ListBucket"], [Bucket(names.GalleryBucket)]);
    }

    /// <summary>The tiers' CloudWatch agent: their log streams (one per instance) and traces to X-Ray.</summary>
    private static IEnumerable<PermissionStatement> Telemetry(TopologyNames names, string tier)
    {
        yield return Allow("WriteOwnLog", ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], [LogStreams(LogGroup(names, tier))]);
        // X-Ray has no resource-level permissions.
        yield return Allow("SendTraces", ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], ["*"]);
    }

    /// <summary>A function's log streams, one per execution environment, named by Lambda as it goes. (Its event source
    /// mapping's right to consume its queue is Lambda's, granted with the mapping.)</summary>
    private static IEnumerable<PermissionStatement> FunctionLog(string function)
    {
        yield return Allow("WriteOwnLog", ["logs:CreateLogStream", "logs:PutLogEvents"], [LogStreams("/aws/lambda/" + function)]);
    }

    /// <summary>What Cloud/Messaging/QueueConsumer calls on the queue it takes messages from: receive, keep invisible
    /// while at work (or hand back), delete, and read the redrive policy for the dead-letter rule.</summary>
    private static readonly string[] s_consume =
        ["sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:DeleteMessage"];

    /// <summary>Cloud/Messaging/DeadLetterRule in a function: looks up its queue and the redrive policy, retries with a
    /// shorter visibility, dead-letters with the cause.</summary>
    private static IEnumerable<PermissionStatement> DeadLetterRule(string queue, string deadLetterQueue)
    {
        yield return Allow("ReadOwnQueue", ["sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"], [Queue(queue)]);
        yield return Allow("DeadLetterWithCause", ["sqs:GetQueueUrl", "sqs:SendMessage"], [Queue(deadLetterQueue)]);
    }

    private static IEnumerable<PermissionStatement> VideoSplitStatements(TopologyNames names)
    {
        foreach (var statement in DeadLetterRule(names.VideoSplitEventsQueue, names.VideoSplitDeadLetterQueue)) yield return statement;
        yield return Allow("ReadVideos", ["s3:GetObject"], [Objects(names.VideoInputBucket, "*")]);
        yield return Allow("WriteFrames", ["s3:PutObject"], [Objects(names.FramesBucket, "*")]);
        yield return Allow("WriteFailures", ["s3:PutObject"], [Objects(names.VideoOutputBucket, VideoKeys.Failure("*"))]);
    }

    private static IEnumerable<PermissionStatement> FaceRecognitionStatements(TopologyNames names)
    {
        foreach (var statement in DeadLetterRule(names.FaceRecognitionEventsQueue, names.FaceRecognitionDeadLetterQueue)) yield return statement;
        yield return Allow("ReadFramesAndVotes", ["s3:GetObject"], [Objects(names.FramesBucket, "*")]);
        yield return Allow("WriteVotes", ["s3:PutObject"], [Objects(names.FramesBucket, VideoKeys.VotesPrefix("*") + "*")]);
        yield return Allow("ListVotes", ["s3:ListBucket"], [Bucket(names.FramesBucket)], Like("s3:prefix", VideoKeys.VotesPrefix("*")));
        yield return Allow("ReadGallery", ["s3:GetObject"], [Objects(names.GalleryBucket, TopologyNames.GalleryObjectKey)]);
        // GalleryReader reads a missing gallery as an empty one: S3 answers 404 rather than 403 only with ListBucket.
        yield return Allow("TellMissingGallery", ["s3:ListBucket"], [Bucket(names.GalleryBucket)]);
        yield return Allow("WriteAnswersAndFailures", ["s3:PutObject"], [Objects(names.VideoOutputBucket, "*")]);
    }

    private static PermissionStatement Allow(string sid, string[] actions, string[] resources,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? conditions = null) => new(sid, actions, resources, conditions);

    private static Dictionary<string, IReadOnlyDictionary<string, string>> Like(string key, string pattern) =>
        new() { ["StringLike"] = new Dictionary<string, string> { [key] = pattern } };

    private static string Bucket(string name) => PermissionStatement.BucketArn(name);

    private static string Objects(string bucket, string keys) => $"{Bucket(bucket)}/{keys}";

    private static string Queue(string name) => PermissionStatement.QueueArn(name);

    private static string LogStreams(string logGroup) =>
        $"arn:{PermissionStatement.Partition}:logs:{PermissionStatement.Region}:{PermissionStatement.Account}:log-group:{logGroup}:*";
}
