using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Vision.Identities;
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
    private volatile Gallery _current = new();
    private string? _etag;

    public Gallery Current => _current;

    /// <summary>Loads the gallery now (the worker calls it once before taking requests).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var head = await s3.GetObjectMetadataAsync(names.GalleryBucket, TopologyNames.GalleryObjectKey, cancellationToken);
            if (head.ETag == _etag)
            {
                return;
            }
            using var response = await s3.GetObjectAsync(names.GalleryBucket, TopologyNames.GalleryObjectKey, cancellationToken);
            var gallery = Gallery.Load(response.ResponseStream);
            _current = gallery;
            _etag = response.ETag;
            LogLoaded(gallery.Identities.Count, gallery.FaceCount, response.ETag);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            if (_etag is not null)
            {
                _current = new Gallery();
                _etag = null;
                LogRemoved();
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

    [LoggerMessage(LogLevel.Information, "Gallery loaded: {Identities} identities, {Faces} faces (ETag {ETag})")]
    private partial void LogLoaded(int identities, int faces, string etag);

    [LoggerMessage(LogLevel.Warning, "The gallery object was removed; every face is Unknown until one is enrolled")]
    private partial void LogRemoved();

    [LoggerMessage(LogLevel.Error, "The gallery object is damaged and was not loaded; keeping the previous one: {Reason}")]
    private partial void LogDamaged(string reason);

    [LoggerMessage(LogLevel.Warning, "Could not check the gallery: {Reason}")]
    private partial void LogUnreachable(string reason);
}
