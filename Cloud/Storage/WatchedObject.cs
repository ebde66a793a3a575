using System.Net;
using Amazon.S3;

namespace FaceRecognition.Cloud.Storage;

/// <summary>
/// One S3 object kept in memory as a parsed value and re-read only when its ETag changes. While the object does not
/// exist the value is <c>empty</c>; a damaged version is refused and the previous value kept.
/// </summary>
/// <param name="parse">Bytes -> value; throws <see cref="InvalidDataException"/> for a damaged object.</param>
public sealed class WatchedObject<T>(IAmazonS3 s3, string bucket, string key, Func<Stream, T> parse, T empty) where T : class
{
    private readonly T _empty = empty;
    private volatile T _current = empty;
    private string? _etag;

    public T Current => _current;

    public string Location => $"s3://{bucket}/{key}";

    /// <summary>Checks the object's ETag and re-reads it when it changed.</summary>
    /// <exception cref="InvalidDataException">The new version is damaged; <see cref="Current"/> is unchanged.</exception>
    public async Task<RefreshOutcome> RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var head = await s3.GetObjectMetadataAsync(bucket, key, cancellationToken);
            if (head.ETag == _etag)
            {
                return RefreshOutcome.Unchanged;
            }
            using var response = await s3.GetObjectAsync(bucket, key, cancellationToken);
            _current = parse(response.ResponseStream);
            _etag = response.ETag;
            return RefreshOutcome.Loaded;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            if (_etag is null)
            {
                return RefreshOutcome.Unchanged;
            }
            _current = _empty;
            _etag = null;
            return RefreshOutcome.Removed;
        }
    }
}

public enum RefreshOutcome
{
    Unchanged,
    Loaded,
    Removed,
}
