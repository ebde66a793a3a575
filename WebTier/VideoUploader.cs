using System.Diagnostics;
using Amazon.S3;
using Amazon.S3.Model;
using FaceRecognition.Cloud.Storage;

namespace FaceRecognition.WebTier;

/// <summary>The video is larger than allowed; nothing was stored.</summary>
internal sealed class VideoTooLargeException(long limit) : Exception($"The video is larger than the limit of {limit:N0} bytes.");

/// <summary>
/// Streams a video to S3 without holding it in memory: one PUT when it fits in a part, otherwise a multipart upload in
/// parts of <see cref="PartSize"/> bytes (aborted if anything goes wrong, so no half video is ever visible).
/// </summary>
internal sealed class VideoUploader(IAmazonS3 s3)
{
    public const int PartSize = 8 * 1024 * 1024;

    /// <param name="head">Bytes already read from the start of the video (its sniffed header).</param>
    /// <returns>The video's size in bytes.</returns>
    public async Task<long> UploadAsync(string bucket, string key, ReadOnlyMemory<byte> head, Stream rest, long limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[PartSize];
        head.CopyTo(buffer);
        var count = head.Length + await ReadFullAsync(rest, buffer.AsMemory(head.Length), cancellationToken);
        if (count > limit)
        {
            throw new VideoTooLargeException(limit);
        }
        if (count < PartSize)
        {
            var put = new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(buffer, 0, count), ContentType = "video/mp4" };
            ObjectTracing.Inject(Activity.Current, put.Metadata);
            await s3.PutObjectAsync(put, cancellationToken);
            return count;
        }

        var start = new InitiateMultipartUploadRequest { BucketName = bucket, Key = key, ContentType = "video/mp4" };
        ObjectTracing.Inject(Activity.Current, start.Metadata);
        var uploadId = (await s3.InitiateMultipartUploadAsync(start, cancellationToken)).UploadId;
        try
        {
            var parts = new List<PartETag>();
            long total = 0;
            while (count > 0)
            {
                total += count;
                if (total > limit)
                {
                    throw new VideoTooLargeException(limit);
                }
                var part = await s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = parts.Count + 1,
                    InputStream = new MemoryStream(buffer, 0, count),
                }, cancellationToken);
                parts.Add(new PartETag(parts.Count + 1, part.ETag));
                count = await ReadFullAsync(rest, buffer, cancellationToken);
            }
            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartETags = parts },
                cancellationToken);
            return total;
        }
        catch
        {
            await s3.AbortMultipartUploadAsync(bucket, key, uploadId, CancellationToken.None);
            throw;
        }
    }

    private static async Task<int> ReadFullAsync(Stream source, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await source.ReadAsync(buffer[filled..], cancellationToken);
            if (read == 0)
            {
                break;
            }
            filled += read;
        }
        return filled;
    }
}
