using Amazon.CDK.AWS.IAM;
using FaceRecognition.Cloud.Topology;
using static FaceRecognition.Deploy.Statements;

namespace FaceRecognition.Deploy;

/// <summary>
/// What each function may do, and nothing more: the S3 calls its handler makes on the objects it reads and writes, the
/// SQS calls of its dead-letter rule (<c>Lambdas/Runtime/DeadLetters</c>) on its own queue and dead-letter queue, and
/// writing its own log. Its event source mapping's right to consume its queue is granted with the mapping.
/// </summary>
internal static class FunctionPermissions
{
    public static IEnumerable<PolicyStatement> For(string function, TopologyNames names, string queueArn, string deadLetterQueueArn)
    {
        // Its log streams (one per execution environment) are named by Lambda as it goes.
        yield return Allow("WriteOwnLog", ["logs:CreateLogStream", "logs:PutLogEvents"], [LogStreams("/aws/lambda/" + function)]);
        // DeadLetters: looks up its queue and the redrive policy, retries with a shorter visibility, dead-letters with the cause.
        yield return Allow("ReadOwnQueue", ["sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"], [queueArn]);
        yield return Allow("DeadLetterWithCause", ["sqs:GetQueueUrl", "sqs:SendMessage"], [deadLetterQueueArn]);
        switch (function)
        {
            case TopologyNames.VideoSplitFunction:
                yield return Allow("ReadVideos", ["s3:GetObject"], [Objects(names.VideoInputBucket, "*")]);
                yield return Allow("WriteFrames", ["s3:PutObject"], [Objects(names.FramesBucket, "*")]);
                yield return Allow("WriteFailures", ["s3:PutObject"], [Objects(names.VideoOutputBucket, VideoKeys.Failure("*"))]);
                break;
            case TopologyNames.FaceRecognitionFunction:
                yield return Allow("ReadFramesAndVotes", ["s3:GetObject"], [Objects(names.FramesBucket, "*")]);
                yield return Allow("WriteVotes", ["s3:PutObject"], [Objects(names.FramesBucket, VideoKeys.Vote("*", 0)[..^"output-00.json".Length] + "*")]);
                yield return Allow("ListVotes", ["s3:ListBucket"], [Bucket(names.FramesBucket)],
                    new() { ["StringLike"] = new Dictionary<string, object> { ["s3:prefix"] = VideoKeys.VotesPrefix("*") } });
                yield return Allow("ReadGallery", ["s3:GetObject"], [Objects(names.GalleryBucket, TopologyNames.GalleryObjectKey)]);
                // GalleryReader reads a missing gallery as an empty one: S3 answers 404 rather than 403 only with ListBucket.
                yield return Allow("TellMissingGallery", ["s3:ListBucket"], [Bucket(names.GalleryBucket)]);
                yield return Allow("WriteAnswersAndFailures", ["s3:PutObject"], [Objects(names.VideoOutputBucket, "*")]);
                break;
            default:
                throw new InvalidOperationException($"No permissions are defined for the function {function}.");
        }
    }
}
