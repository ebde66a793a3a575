using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using FaceRecognition.Cloud.Topology;

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
        yield return Allow("WriteOwnLog", ["logs:CreateLogStream", "logs:PutLogEvents"],
            [$"arn:{Aws.PARTITION}:logs:{Aws.REGION}:{Aws.ACCOUNT_ID}:log-group:/aws/lambda/{function}:*"]);
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
                yield return new PolicyStatement(new PolicyStatementProps
                {
                    Sid = "ListVotes",
                    Effect = Effect.ALLOW,
                    Actions = ["s3:ListBucket"],
                    Resources = [Bucket(names.FramesBucket)],
                    Conditions = new Dictionary<string, object> { ["StringLike"] = new Dictionary<string, object> { ["s3:prefix"] = VideoKeys.VotesPrefix("*") } },
                });
                yield return Allow("ReadGallery", ["s3:GetObject"], [Objects(names.GalleryBucket, TopologyNames.GalleryObjectKey)]);
                yield return Allow("WriteAnswersAndFailures", ["s3:PutObject"], [Objects(names.VideoOutputBucket, "*")]);
                break;
            default:
                throw new InvalidOperationException($"No permissions are defined for the function {function}.");
        }
    }

    private static string Bucket(string name) => $"arn:{Aws.PARTITION}:s3:::{name}";

    private static string Objects(string bucket, string keys) => $"{Bucket(bucket)}/{keys}";

    private static PolicyStatement Allow(string sid, string[] actions, string[] resources) =>
        new(new PolicyStatementProps { Sid = sid, Effect = Effect.ALLOW, Actions = actions, Resources = resources });
}
