using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using FaceRecognition.Cloud.Topology;
using static FaceRecognition.Deploy.Statements;

namespace FaceRecognition.Deploy;

/// <summary>
/// What each tier's instances may do, and nothing more: the S3 and SQS calls of its code (WebTier, AppTier, read from
/// the calls they make), the EC2 calls of the web tier's autoscaler on the app-tier instances of this deployment only
/// (by their tags), and for both the CloudWatch agent's writes (its log group, traces to X-Ray) and reading their own
/// build from the CDK's asset bucket.
/// </summary>
internal static class TierPermissions
{
    /// <summary>The tag every instance of a deployment carries, its value the prefix; the autoscaler's start and stop
    /// are allowed only on instances whose tags say app tier of this deployment.</summary>
    public const string DeploymentTag = "FaceRecognition:Deployment";

    public const string AppTierNamePattern = "app-tier-instance-*";

    public static IEnumerable<PolicyStatement> WebTier(TopologyNames names, string logGroup, string buildObjectArn)
    {
        // RecognitionClient: pictures under <stem>/<id>.<ext> and enrolments under enroll/<name>/<id>/.
        yield return Allow("UploadPictures", ["s3:PutObject"], [Objects(names.InputBucket, "*")]);
        yield return Allow("ReadAnswers", ["s3:GetObject"], [Objects(names.OutputBucket, "*")]);
        // IdentityEndpoints: lists identities and removes one with a conditional write.
        yield return Allow("ReadAndEditGallery", ["s3:GetObject", "s3:PutObject"], [Objects(names.GalleryBucket, TopologyNames.GalleryObjectKey)]);
        // VideoEndpoints and VideoUploader: uploads (multipart above a size, aborted on failure) and status checks.
        yield return Allow("UploadVideos", ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"], [Objects(names.VideoInputBucket, VideoKeys.Video("*"))]);
        yield return Allow("ReadAndResetVideoResults", ["s3:GetObject", "s3:DeleteObject"],
            [Objects(names.VideoOutputBucket, VideoKeys.Result("*")), Objects(names.VideoOutputBucket, VideoKeys.Failure("*"))]);
        yield return Allow("ListFrames", ["s3:ListBucket"], [Bucket(names.FramesBucket)]);
        // A missing result, video or gallery is a 404 to the web tier's callers: S3 answers 404 rather than 403 only with ListBucket.
        yield return Allow("TellMissingObjects", ["s3:ListBucket"],
            [Bucket(names.OutputBucket), Bucket(names.GalleryBucket), Bucket(names.VideoInputBucket), Bucket(names.VideoOutputBucket)]);
        yield return Allow("SendRequests", ["sqs:GetQueueUrl", "sqs:SendMessage", "sqs:GetQueueAttributes"], [Queue(names.RequestQueue)]);
        // ReplyListener: one reply queue per web-tier process, created at start and deleted at stop.
        yield return Allow("OwnReplyQueues", ["sqs:CreateQueue", "sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:DeleteQueue"],
            [Queue(names.ReplyQueueFor("*"))]);
        // EC2's Describe actions have no resource-level permissions.
        yield return Allow("SeeInstances", ["ec2:DescribeInstances"], ["*"]);
        yield return Allow("ScaleAppTier", ["ec2:StartInstances", "ec2:StopInstances"],
            [$"arn:{Aws.PARTITION}:ec2:{Aws.REGION}:{Aws.ACCOUNT_ID}:instance/*"],
            new()
            {
                ["StringEquals"] = new Dictionary<string, object> { ["ec2:ResourceTag/" + DeploymentTag] = names.Prefix },
                ["StringLike"] = new Dictionary<string, object> { ["ec2:ResourceTag/Name"] = AppTierNamePattern },
            });
        foreach (var statement in Common(logGroup, buildObjectArn)) yield return statement;
    }

    public static IEnumerable<PolicyStatement> AppTier(TopologyNames names, string logGroup, string buildObjectArn)
    {
        yield return Allow("TakeRequests", ["sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"], [Queue(names.RequestQueue)]);
        yield return Allow("Reply", ["sqs:GetQueueUrl", "sqs:SendMessage"], [Queue(names.ReplyQueueFor("*"))]);
        yield return Allow("ReadPictures", ["s3:GetObject"], [Objects(names.InputBucket, "*")]);
        // Enrollment lists the pictures of one enrolment.
        yield return Allow("ListEnrolments", ["s3:ListBucket"], [Bucket(names.InputBucket)],
            new() { ["StringLike"] = new Dictionary<string, object> { ["s3:prefix"] = "enroll/*" } });
        yield return Allow("WriteAnswers", ["s3:PutObject"], [Objects(names.OutputBucket, "*")]);
        yield return Allow("ReadAndExtendGallery", ["s3:GetObject", "s3:PutObject"], [Objects(names.GalleryBucket, TopologyNames.GalleryObjectKey)]);
        // GalleryCache reads a missing gallery as an empty one (404, not 403, needs ListBucket).
        yield return Allow("TellMissingGallery", ["s3:ListBucket"], [Bucket(names.GalleryBucket)]);
        foreach (var statement in Common(logGroup, buildObjectArn)) yield return statement;
    }

    private static IEnumerable<PolicyStatement> Common(string logGroup, string buildObjectArn)
    {
        yield return Allow("ReadOwnBuild", ["s3:GetObject"], [buildObjectArn]);
        yield return Allow("WriteOwnLog", ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], [LogStreams(logGroup)]);
        // X-Ray has no resource-level permissions.
        yield return Allow("SendTraces", ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], ["*"]);
    }
}
