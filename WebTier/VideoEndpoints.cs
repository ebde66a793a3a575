using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.WebTier.FrontDoor;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FaceRecognition.WebTier;

/// <summary>
/// The video path over HTTP: <c>POST /api/videos</c> streams an MP4 into the video input bucket (where its S3 event
/// starts the functions) and <c>GET /api/videos/{stem}</c> says how far it got.
/// </summary>
internal static class VideoEndpoints
{
    public static void MapVideoEndpoints(this WebApplication app)
    {
        var videos = app.MapGroup("/api/videos").RequireApiKey(KeyRequiredFor.Api);
        videos.MapPost("/", UploadAsync)
            .DisableAntiforgery()
            .WithSummary("Upload an MP4 video (multipart, one file under any field name); its name is written to the output bucket.")
            .Produces<VideoAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        videos.MapGet("/{stem}", StatusAsync)
            .WithSummary("How far a video got: uploaded, frames-extracted, recognised (with the name) or failed (with the cause).")
            .Produces<VideoStatus>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> UploadAsync(HttpRequest request, VideoUploader uploader, IAmazonS3 s3, TopologyNames names,
        IOptions<WebTierOptions> options, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxVideoBytes;
        if (request.ContentLength > limit + UploadReader.FormOverheadBytes)
        {
            return TooLarge(limit);
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit + UploadReader.FormOverheadBytes;
        }
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
        {
            return Problem(StatusCodes.Status400BadRequest, "Send the video as multipart/form-data with one file.");
        }

        try
        {
            var reader = new MultipartReader(boundary, request.Body);
            for (var section = await reader.ReadNextSectionAsync(cancellationToken); section is not null; section = await reader.ReadNextSectionAsync(cancellationToken))
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
                {
                    continue;
                }
                var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : disposition.FileName.Value;
                if (!PictureUpload.TryGetStem(fileName, out var stem, out var badName))
                {
                    return Problem(StatusCodes.Status400BadRequest, badName);
                }
                var head = new byte[12];
                var headLength = await section.Body.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
                if (headLength == 0)
                {
                    return Problem(StatusCodes.Status400BadRequest, "The file is empty.");
                }
                if (!IsMp4(head.AsSpan(0, headLength)))
                {
                    return Problem(StatusCodes.Status415UnsupportedMediaType, "The file is not an MP4 video by its content (no 'ftyp' box at its start).");
                }

                // A new upload replaces whatever an earlier one with this stem left.
                await s3.DeleteObjectsAsync(new DeleteObjectsRequest
                {
                    BucketName = names.VideoOutputBucket,
                    Objects = [new KeyVersion { Key = VideoKeys.Result(stem) }, new KeyVersion { Key = VideoKeys.Failure(stem) }],
                }, cancellationToken);
                var key = VideoKeys.Video(stem);
                var bytes = await uploader.UploadAsync(names.VideoInputBucket, key, head.AsMemory(0, headLength), section.Body, limit, cancellationToken);
                return TypedResults.Accepted($"/api/videos/{stem}", new VideoAccepted(stem, names.VideoInputBucket, key, bytes));
            }
            return Problem(StatusCodes.Status400BadRequest, "The form has no file: send one MP4 video.");
        }
        catch (VideoTooLargeException)
        {
            return TooLarge(limit);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limit);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return Problem(StatusCodes.Status400BadRequest, $"The multipart form could not be read: {e.Message}");
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, $"The video could not be stored: {e.Message}");
        }
    }

    private static async Task<IResult> StatusAsync(string stem, IAmazonS3 s3, TopologyNames names, CancellationToken cancellationToken)
    {
        if (!PictureUpload.IsValidStem(stem))
        {
            return Problem(StatusCodes.Status400BadRequest, $"'{stem}' is not a valid stem: 1 to 128 letters, digits, '_', '-' or '.'.");
        }
        try
        {
            if (await ReadTextAsync(s3, names.VideoOutputBucket, VideoKeys.Result(stem), cancellationToken) is { } result)
            {
                return TypedResults.Ok(new VideoStatus(stem, VideoStatus.Recognised, result.Text, result.Note, null));
            }
            if (await ReadTextAsync(s3, names.VideoOutputBucket, VideoKeys.Failure(stem), cancellationToken) is { } failure)
            {
                return TypedResults.Ok(new VideoStatus(stem, VideoStatus.Failed, null, null, failure.Text));
            }
            var frames = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = names.FramesBucket, Prefix = stem }, cancellationToken);
            if ((frames.S3Objects ?? []).Any(o => o.Key == VideoKeys.SingleFrame(stem) || VideoKeys.TryParseFrame(o.Key, out var s, out _) && s == stem))
            {
                return TypedResults.Ok(new VideoStatus(stem, VideoStatus.FramesExtracted, null, null, null));
            }
            if (await ExistsAsync(s3, names.VideoInputBucket, VideoKeys.Video(stem), cancellationToken))
            {
                return TypedResults.Ok(new VideoStatus(stem, VideoStatus.Uploaded, null, null, null));
            }
            return Problem(StatusCodes.Status404NotFound, $"No video '{stem}' in {names.VideoInputBucket}.");
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, $"The video's status could not be read: {e.Message}");
        }
    }

    /// <summary>ISO base media (MP4, MOV): a box size, then the 'ftyp' box type.</summary>
    internal static bool IsMp4(ReadOnlySpan<byte> head) => head.Length >= 8 && head[4..8].SequenceEqual("ftyp"u8);

    private static async Task<(string Text, string? Note)?> ReadTextAsync(IAmazonS3 s3, string bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(bucket, key, cancellationToken);
            using var reader = new StreamReader(response.ResponseStream);
            var note = response.Metadata.Keys.Contains("x-amz-meta-note") ? response.Metadata["x-amz-meta-note"] : null;
            return (await reader.ReadToEndAsync(cancellationToken), note);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static async Task<bool> ExistsAsync(IAmazonS3 s3, string bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            await s3.GetObjectMetadataAsync(bucket, key, cancellationToken);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private static IResult TooLarge(long limit) => Problem(StatusCodes.Status413PayloadTooLarge, $"The video is larger than the limit of {limit:N0} bytes.");

    private static IResult Problem(int status, string detail) => TypedResults.Problem(detail, statusCode: status);
}

internal sealed record VideoAccepted(string Stem, string Bucket, string Key, long Bytes);

/// <param name="Status">uploaded, frames-extracted, recognised or failed.</param>
/// <param name="Note">How the name was decided (the votes), when recognised.</param>
/// <param name="Cause">Why it failed, when failed.</param>
internal sealed record VideoStatus(string Stem, string Status, string? Name, string? Note, string? Cause)
{
    public const string Uploaded = "uploaded";
    public const string FramesExtracted = "frames-extracted";
    public const string Recognised = "recognised";
    public const string Failed = "failed";
}
