using Amazon.S3;
using Amazon.S3.Model;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Cloud.Storage;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Identities;
using FaceRecognition.Vision;
using FaceRecognition.Vision.Imaging;
using Microsoft.Extensions.Options;

namespace FaceRecognition.AppTier;

/// <summary>
/// An enrolment job: every picture under the request's key prefix is analysed; each showing exactly one face that is
/// large, sharp and frontal enough (FaceRecognizer.CheckForEnrolment) adds that face to the identity in the gallery
/// object (a conditional write, so concurrent enrolments never lose each other's faces). Pictures refused are reported
/// back with the reason, not silently skipped. Each enrolled face gets an id and a thumbnail in the gallery bucket
/// (<c>faces/&lt;name&gt;/&lt;id&gt;.jpg</c>). Forgetting removes an identity, or one face of it, the same way. The app
/// tier is the one component that writes the gallery object.
/// </summary>
internal sealed partial class Enrollment(IAmazonS3 s3, TopologyNames names, IServiceProvider services, GalleryCache gallery,
    IOptions<AppTierOptions> options, ILogger<Enrollment> logger)
{
    public const int MaxPictures = 50;

    public async Task<RecognitionReply> EnrollAsync(RecognitionRequest request, CancellationToken cancellationToken)
    {
        var name = request.Name!;
        IdentityName.Validate(name);
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = request.Bucket, Prefix = request.Key, MaxKeys = MaxPictures }, cancellationToken);
        var engine = services.GetRequiredService<FaceRecognizer>();
        var accepted = new List<(float[] Descriptor, EnrolledFace Face, byte[] Thumbnail)>();
        var notes = new List<string>();
        var now = DateTimeOffset.UtcNow;
        foreach (var entry in listed.S3Objects ?? [])
        {
            var file = entry.Key[request.Key.Length..];
            if (entry.Size > options.Value.MaxImageBytes)
            {
                notes.Add($"{file}: larger than {options.Value.MaxImageBytes:N0} bytes");
                continue;
            }
            using var response = await s3.GetObjectAsync(request.Bucket, entry.Key, cancellationToken);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            try
            {
                var image = engine.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
                var check = engine.CheckForEnrolment(image);
                if (check.Accepted)
                {
                    accepted.Add((check.Face!.Descriptor, new EnrolledFace(EnrolledFace.NewId(), now, SourceName(file)), FacePictures.Thumbnail(image, check.Face.Box)));
                }
                else
                {
                    notes.Add($"{file}: {check.Problem}");
                }
            }
            catch (ImageRejectedException e)
            {
                notes.Add($"{file}: {e.Message}");
            }
        }

        if (accepted.Count == 0)
        {
            return RecognitionReply.Failure(request.Id, ReplyErrorCodes.NoFace, $"No picture could be enrolled for '{name}'.") with { Notes = [.. notes] };
        }
        // Thumbnails first: a failure after them leaves only unused thumbnails, and the retried job enrols once.
        foreach (var (_, face, thumbnail) in accepted)
        {
            await s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = names.GalleryBucket,
                Key = TopologyNames.FaceThumbnailKey(name, face.Id),
                InputStream = new MemoryStream(thumbnail),
                ContentType = "image/jpeg",
            }, cancellationToken);
        }
        await UpdateGalleryAsync(gallery => gallery.Enroll(name, [.. accepted.Select(a => (a.Descriptor, a.Face))]) is { Count: > 0 }, cancellationToken);
        await gallery.RefreshAsync(cancellationToken);
        LogEnrolled(name, accepted.Count, notes.Count);
        return new RecognitionReply(RecognitionRequest.Version, request.Id, name, "Enrolled", null, null, null, [.. notes], accepted.Count,
            FaceIds: [.. accepted.Select(a => a.Face.Id)]);
    }

    /// <summary>Removes the identity, or only its face <see cref="RecognitionRequest.FaceId"/>, and their thumbnails.</summary>
    public async Task<RecognitionReply> ForgetAsync(RecognitionRequest request, CancellationToken cancellationToken)
    {
        var name = request.Name!;
        IdentityName.Validate(name);
        IReadOnlyList<EnrolledFace> removedFaces = [];
        var removed = await UpdateGalleryAsync(gallery =>
        {
            var faces = gallery.FacesOf(name) ?? [];
            removedFaces = request.FaceId is { } faceId ? [.. faces.Where(f => f.Id == faceId)] : faces;
            return request.FaceId is { } id ? gallery.RemoveFace(name, id) : gallery.Remove(name);
        }, cancellationToken);
        if (!removed)
        {
            return RecognitionReply.Failure(request.Id, ReplyErrorCodes.NotEnrolled, request.FaceId is { } missing
                ? $"'{name}' has no face '{missing}'."
                : $"'{name}' is not enrolled.");
        }
        await gallery.RefreshAsync(cancellationToken);
        foreach (var face in removedFaces)
        {
            try
            {
                await s3.DeleteObjectAsync(names.GalleryBucket, TopologyNames.FaceThumbnailKey(name, face.Id), cancellationToken);
            }
            catch (AmazonS3Exception e)
            {
                // The face is gone from the gallery; a thumbnail left behind is only unused.
                LogThumbnailKept(name, face.Id, e.Message);
            }
        }
        LogForgotten(name, request.FaceId ?? "all faces");
        return new RecognitionReply(RecognitionRequest.Version, request.Id, name, "Forgotten", null, null, null);
    }

    /// <summary>Applies <paramref name="change"/> to the gallery object with a conditional write (retried on a concurrent
    /// change); false when the change changed nothing (nothing is written then).</summary>
    private async Task<bool> UpdateGalleryAsync(Func<Gallery, bool> change, CancellationToken cancellationToken) =>
        await ObjectUpdater.UpdateAsync(s3, names.GalleryBucket, TopologyNames.GalleryObjectKey, current =>
        {
            var updated = current is null ? new Gallery() : Gallery.Load(new MemoryStream(current));
            if (!change(updated))
            {
                return null;
            }
            using var output = new MemoryStream();
            updated.Save(output);
            return output.ToArray();
        }, cancellationToken);

    /// <summary>The name a picture was sent with: its key is <c>NNN-&lt;name&gt;</c> under the enrolment's prefix.</summary>
    internal static string SourceName(string file) =>
        file.Length > 4 && file[3] == '-' && char.IsAsciiDigit(file[0]) && char.IsAsciiDigit(file[1]) && char.IsAsciiDigit(file[2]) ? file[4..] : file;

    [LoggerMessage(LogLevel.Warning, "Forgot a face of {Name} but could not delete its thumbnail {FaceId}: {Reason}")]
    private partial void LogThumbnailKept(string name, string faceId, string reason);

    [LoggerMessage(LogLevel.Information, "Forgot {Name}: {What}")]
    private partial void LogForgotten(string name, string what);

    [LoggerMessage(LogLevel.Information, "Enrolled {Faces} face(s) of {Name}; {Skipped} picture(s) not used")]
    private partial void LogEnrolled(string name, int faces, int skipped);
}
