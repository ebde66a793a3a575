using Amazon.S3;
using FaceRecognition.Cloud.Storage;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Identities;

namespace FaceRecognition.Lambdas.FaceRecognition;

/// <summary>
/// The enrolled faces for an invocation: loaded on first use and re-checked (by ETag) when the last check is older
/// than <see cref="FaceRecognitionOptions.GalleryRefreshSeconds"/>, as a warm Lambda would keep it between calls.
/// </summary>
internal sealed partial class GalleryReader(IAmazonS3 s3, TopologyNames names, IOptions<FaceRecognitionOptions> options, TimeProvider time,
    ILogger<GalleryReader> logger)
{
    private readonly WatchedObject<Gallery> _gallery = new(s3, names.GalleryBucket, TopologyNames.GalleryObjectKey, Gallery.Load, new Gallery());
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private long _checkedAt = long.MinValue;

    public async Task<Gallery> GetAsync(CancellationToken cancellationToken)
    {
        if (!IsStale())
        {
            return _gallery.Current;
        }
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            if (IsStale())
            {
                try
                {
                    if (await _gallery.RefreshAsync(cancellationToken) == RefreshOutcome.Loaded)
                    {
                        LogLoaded(_gallery.Current.Identities.Count, _gallery.Current.FaceCount, _gallery.Location);
                    }
                }
                catch (InvalidDataException e)
                {
                    LogDamaged(e.Message);
                }
                _checkedAt = time.GetTimestamp();
            }
        }
        finally
        {
            _refreshing.Release();
        }
        return _gallery.Current;
    }

    private bool IsStale() =>
        _checkedAt == long.MinValue || time.GetElapsedTime(_checkedAt).TotalSeconds >= options.Value.GalleryRefreshSeconds;

    [LoggerMessage(LogLevel.Information, "Gallery loaded: {Identities} identities, {Faces} faces ({Location})")]
    private partial void LogLoaded(int identities, int faces, string location);

    [LoggerMessage(LogLevel.Error, "The gallery object is damaged and was not loaded; keeping the previous one: {Reason}")]
    private partial void LogDamaged(string reason);
}
