using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace FaceRecognition.Cloud.Storage;

/// <summary>
/// Read-modify-write of one S3 object without lost updates: the new version is written only if the object is still the
/// version that was read (If-Match, or If-None-Match: * when it did not exist), and the update is retried otherwise.
/// </summary>
public static class ObjectUpdater
{
    /// <param name="update">Current bytes (null when the object does not exist) -> new bytes, or null to leave it as is.</param>
    /// <returns>True when a new version was written.</returns>
    public static async Task<bool> UpdateAsync(IAmazonS3 s3, string bucket, string key, Func<byte[]?, byte[]?> update,
        CancellationToken cancellationToken, int attempts = 10)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (current, etag) = await ReadAsync(s3, bucket, key, cancellationToken);
            var next = update(current);
            if (next is null)
            {
                return false;
            }
            var put = new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(next), ContentType = "application/octet-stream" };
            if (etag is null)
            {
                put.IfNoneMatch = "*";
            }
            else
            {
                put.IfMatch = etag;
            }
            try
            {
                await s3.PutObjectAsync(put, cancellationToken);
                return true;
            }
            catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict && attempt < attempts)
            {
                // Someone else wrote in between: read their version and apply the update to it.
            }
        }
    }

    public static async Task<(byte[]? Bytes, string? ETag)> ReadAsync(IAmazonS3 s3, string bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(bucket, key, cancellationToken);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            return (buffer.ToArray(), response.ETag);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return (null, null);
        }
    }
}
