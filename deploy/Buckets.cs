using Amazon.CDK;
using Amazon.CDK.AWS.S3;
using Constructs;

namespace FaceRecognition.Deploy;

/// <summary>The topology's buckets on AWS: public access blocked, encrypted (SSE-S3), reachable only over TLS, emptied
/// by <c>./deploy.sh --destroy</c> before the stack is deleted.</summary>
internal static class Buckets
{
    public static Bucket Create(Construct scope, string id, string name, int? expirationDays = null) =>
        new(scope, id, new BucketProps
        {
            BucketName = name,
            BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
            Encryption = BucketEncryption.S3_MANAGED,
            EnforceSSL = true,
            ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED,
            RemovalPolicy = RemovalPolicy.DESTROY,
            LifecycleRules = expirationDays is { } days
                ? [new LifecycleRule { Id = "expire-frames", Expiration = Duration.Days(days), AbortIncompleteMultipartUploadAfter = Duration.Days(1) }]
                : [new LifecycleRule { Id = "abort-incomplete-uploads", AbortIncompleteMultipartUploadAfter = Duration.Days(1) }],
        });
}
