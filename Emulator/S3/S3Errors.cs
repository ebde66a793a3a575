using FaceRecognition.Emulator.Protocol;

namespace FaceRecognition.Emulator.S3;

/// <summary>S3's error codes and statuses, with messages that say what to fix.</summary>
internal static class S3Errors
{
    public static AwsException NoSuchBucket(string bucket) =>
        new(404, "NoSuchBucket", "The specified bucket does not exist.") { Resource = bucket };

    public static AwsException NoSuchKey(string key) =>
        new(404, "NoSuchKey", "The specified key does not exist.") { Resource = key };

    public static AwsException NoSuchUpload(string uploadId) =>
        new(404, "NoSuchUpload", "The specified multipart upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.") { Resource = uploadId };

    public static AwsException BucketAlreadyOwnedByYou(string bucket) =>
        new(409, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.") { Resource = bucket };

    public static AwsException BucketNotEmpty(string bucket) =>
        new(409, "BucketNotEmpty", "The bucket you tried to delete is not empty.") { Resource = bucket };

    public static AwsException InvalidBucketName(string bucket, string why) =>
        new(400, "InvalidBucketName", $"The specified bucket is not valid: {why}") { Resource = bucket };

    public static AwsException KeyTooLong(int bytes) =>
        new(400, "KeyTooLongError", $"Your key is too long: {bytes} bytes of UTF-8; the limit is 1024.");

    public static AwsException InvalidArgument(string message) => new(400, "InvalidArgument", message);

    public static AwsException InvalidRequest(string message) => new(400, "InvalidRequest", message);

    public static AwsException MalformedXml(string detail) =>
        new(400, "MalformedXML", $"The XML you provided was not well-formed or did not validate against our published schema: {detail}");

    public static AwsException InvalidDigest() => new(400, "InvalidDigest", "The Content-MD5 you specified is not valid base64 of 16 bytes.");

    public static AwsException BadDigest(string what) => new(400, "BadDigest", $"The {what} you specified did not match the calculated checksum.");

    public static AwsException ContentSha256Mismatch() =>
        new(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");

    public static AwsException MissingContentLength() => new(411, "MissingContentLength", "You must provide the Content-Length HTTP header.");

    public static AwsException EntityTooLarge(long size, long max) =>
        new(400, "EntityTooLarge", $"Your proposed upload of {size} bytes exceeds the maximum allowed object size of {max} bytes.");

    public static AwsException IncompleteBody() => new(400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.");

    public static AwsException PreconditionFailed(string condition) =>
        new(412, "PreconditionFailed", $"At least one of the pre-conditions you specified did not hold: {condition}.");

    public static AwsException InvalidRange(long size) =>
        new(416, "InvalidRange", $"The requested range is not satisfiable: the object is {size} bytes.");

    public static AwsException InvalidPart(string detail) =>
        new(400, "InvalidPart", $"One or more of the specified parts could not be found, or its ETag did not match: {detail}");

    public static AwsException InvalidPartOrder() =>
        new(400, "InvalidPartOrder", "The list of parts was not in ascending order. The parts list must be specified in order by part number.");

    public static AwsException EntityTooSmall(int partNumber) =>
        new(400, "EntityTooSmall", $"Part {partNumber} is smaller than the minimum allowed size of 5 MiB; only the last part may be smaller.");

    public static AwsException MetadataTooLarge(int bytes) =>
        new(400, "MetadataTooLarge", $"Your metadata headers are {bytes} bytes; the limit is 2048.");

    public static AwsException HeadersTooLarge(int bytes) =>
        new(400, "RequestHeaderSectionTooLarge", $"Your request header section is {bytes} bytes; the limit is 8192.");

    public static AwsException NotImplemented(string what) =>
        new(501, "NotImplemented", $"{what} is not implemented by this emulator.");

    public static AwsException MethodNotAllowed(string method) =>
        new(405, "MethodNotAllowed", $"The specified method '{method}' is not allowed against this resource.");

    public static AwsException InvalidUri(string detail) => new(400, "InvalidURI", $"Couldn't parse the specified URI: {detail}");
}
