using Amazon.Runtime;
using Amazon.S3;
using FaceRecognition.Cloud.Storage;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Identities;
using Microsoft.Extensions.Options;

namespace FaceRecognition.AppTier;

/// <summary>
/// The enrolled faces, read from <c>&lt;prefix&gt;-gallery/gallery.frg</c> and re-read within seconds of a change (its
/// ETag is checked every <see cref="AppTierOptions.GalleryRefreshSeconds"/>). Until a gallery exists, it is empty and
/// every face is Unknown.
/// </summary>
internal sealed partial class GalleryCache(IAmazonS3 s3, TopologyNames names, IOptions<AppTierOptions> options, ILogger<GalleryCache> logger)
    : BackgroundService
{
    private readonly WatchedObject<Gallery> _gallery = new(s3, names.GalleryBucket, TopologyNames.GalleryObjectKey, Gallery.Load, new Gallery());

    public Gallery Current => _gallery.Current;

    /// <summary>Loads the gallery now (the worker calls it once before taking requests).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            switch (await _gallery.RefreshAsync(cancellationToken))
            {
                case RefreshOutcome.Loaded:
                    LogLoaded(Current.Identities.Count, Current.FaceCount, _gallery.Location);
                    break;
                case RefreshOutcome.Removed:
                    LogRemoved();
                    break;
            }
        }
        catch (InvalidDataException e)
        {
            LogDamaged(e.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.GalleryRefreshSeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is AmazonServiceException or HttpRequestException)
            {
                LogUnreachable(e.Message);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Gallery loaded: {Identities} identities, {Faces} faces ({Location})")]
    private partial void LogLoaded(int identities, int faces, string location);

    [LoggerMessage(LogLevel.Warning, "The gallery object was removed; every face is Unknown until one is enrolled")]
    private partial void LogRemoved();

    [LoggerMessage(LogLevel.Error, "The gallery object is damaged and was not loaded; keeping the previous one: {Reason}")]
    private partial void LogDamaged(string reason);

    [LoggerMessage(LogLevel.Warning, "Could not check the gallery: {Reason}")]
    private partial void LogUnreachable(string reason);
}
