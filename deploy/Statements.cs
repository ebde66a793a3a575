using Amazon.CDK;
using Amazon.CDK.AWS.IAM;

namespace FaceRecognition.Deploy;

/// <summary>How the roles' statements are written: allow statements with a reason-giving Sid, and the ARNs of this
/// deployment's buckets, objects, queues and log groups (partition, region and account from the stack).</summary>
internal static class Statements
{
    public static PolicyStatement Allow(string sid, string[] actions, string[] resources, Dictionary<string, object>? conditions = null) =>
        new(new PolicyStatementProps { Sid = sid, Effect = Effect.ALLOW, Actions = actions, Resources = resources, Conditions = conditions });

    public static string Bucket(string name) => $"arn:{Aws.PARTITION}:s3:::{name}";

    public static string Objects(string bucket, string keys) => $"{Bucket(bucket)}/{keys}";

    public static string Queue(string name) => $"arn:{Aws.PARTITION}:sqs:{Aws.REGION}:{Aws.ACCOUNT_ID}:{name}";

    /// <summary>The streams of a log group (named at run time by whoever writes them).</summary>
    public static string LogStreams(string logGroup) => $"arn:{Aws.PARTITION}:logs:{Aws.REGION}:{Aws.ACCOUNT_ID}:log-group:{logGroup}:*";
}
