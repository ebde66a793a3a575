using FaceRecognition.Emulator.Iam;

namespace FaceRecognition.Emulator.S3;

/// <summary>The IAM actions and resources of each S3 operation, as AWS authorises them: <c>s3:GetObject</c> for GET and
/// HEAD of an object, <c>s3:PutObject</c> for a PUT, a copy's destination and each step of a multipart upload,
/// <c>s3:ListBucket</c> (with <c>s3:prefix</c>) for listing and HEAD of a bucket, and so on. DeleteObjects is checked key
/// by key where it deletes.</summary>
internal static class S3Access
{
    public static string BucketArn(string bucket) => "arn:aws:s3:::" + bucket;

    public static string ObjectArn(string bucket, string key) => $"arn:aws:s3:::{bucket}/{key}";

    public static void Authorize(AccessControl access, S3Request request)
    {
        var key = request.Auth.AccessKey;
        if (access.IsAdministrator(key)) return;
        switch (request.Operation)
        {
            case S3Operation.ListBuckets:
                access.Authorize(key, "s3:ListAllMyBuckets", "arn:aws:s3:::*");
                break;
            case S3Operation.ListObjects or S3Operation.ListObjectsV2:
                access.Authorize(key, "s3:ListBucket", BucketArn(request.Bucket), name => name switch
                {
                    "s3:prefix" => request.Target.Get("prefix"),
                    "s3:delimiter" => request.Target.Get("delimiter"),
                    "s3:max-keys" => request.Target.Get("max-keys"),
                    _ => null,
                });
                break;
            case S3Operation.DeleteObjects:
                // Key by key, in the handler: each refused key is an AccessDenied entry of the result, as on AWS.
                break;
            case S3Operation.PutObject when request.Header("x-amz-copy-source") is { } source:
                var (sourceBucket, sourceKey) = ObjectHandler.ParseCopySource(source);
                access.Authorize(key, "s3:GetObject", ObjectArn(sourceBucket, sourceKey));
                access.Authorize(key, "s3:PutObject", ObjectArn(request.Bucket, request.Key));
                break;
            default:
                var (action, onObject) = Action(request.Operation);
                access.Authorize(key, action, onObject ? ObjectArn(request.Bucket, request.Key) : BucketArn(request.Bucket));
                break;
        }
    }

    /// <summary>Whether a GET or HEAD of a missing object may say so (404): on AWS only a caller allowed to list the bucket
    /// learns that a key does not exist; any other gets 403.</summary>
    public static bool MayLearnAbsence(AccessControl access, S3Request request) =>
        access.Allows(request.Auth.AccessKey, "s3:ListBucket", BucketArn(request.Bucket));

    private static (string Action, bool OnObject) Action(S3Operation operation) => operation switch
    {
        S3Operation.CreateBucket => ("s3:CreateBucket", false),
        S3Operation.HeadBucket => ("s3:ListBucket", false),
        S3Operation.DeleteBucket => ("s3:DeleteBucket", false),
        S3Operation.GetBucketLocation => ("s3:GetBucketLocation", false),
        S3Operation.ListMultipartUploads => ("s3:ListBucketMultipartUploads", false),
        S3Operation.GetBucketNotification => ("s3:GetBucketNotification", false),
        S3Operation.PutBucketNotification => ("s3:PutBucketNotification", false),
        S3Operation.GetObject or S3Operation.HeadObject => ("s3:GetObject", true),
        S3Operation.DeleteObject => ("s3:DeleteObject", true),
        S3Operation.PutObject or S3Operation.CreateMultipartUpload or S3Operation.UploadPart or S3Operation.CompleteMultipartUpload => ("s3:PutObject", true),
        S3Operation.AbortMultipartUpload => ("s3:AbortMultipartUpload", true),
        S3Operation.ListParts => ("s3:ListMultipartUploadParts", true),
        _ => throw new InvalidOperationException($"No IAM action is known for {operation}."),
    };
}
