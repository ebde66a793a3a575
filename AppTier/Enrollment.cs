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
/// back with the reason, not silently skipped. Forgetting removes an
/// identity the same way. The app tier is the one component that writes the gallery object.
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
        var descriptors = new List<float[]>();
        var notes = new List<string>();
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
                var check = engine.CheckForEnrolment(engine.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
                if (check.Accepted)
                {
                    descriptors.Add(check.Face!.Descriptor);
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

        if (descriptors.Count == 0)
        {
            return RecognitionReply.Failure(request.Id, ReplyErrorCodes.NoFace, $"No picture could be enrolled for '{name}'.") with { Notes = [.. notes] };
        }
        await ObjectUpdater.UpdateAsync(s3, names.GalleryBucket, TopologyNames.GalleryObjectKey, current =>
        {
            var updated = current is null ? new Gallery() : Gallery.Load(new MemoryStream(current));
            updated.Enroll(name, descriptors);
            using var output = new MemoryStream();
            updated.Save(output);
            return output.ToArray();
        }, cancellationToken);
        await gallery.RefreshAsync(cancellationToken);
        LogEnrolled(name, descriptors.Count, notes.Count);
        return new RecognitionReply(RecognitionRequest.Version, request.Id, name, "Enrolled", null, null, null, [.. notes], descriptors.Count);
    }

    public async Task<RecognitionReply> ForgetAsync(RecognitionRequest request, CancellationToken cancellationToken)
    {
        var name = request.Name!;
        IdentityName.Validate(name);
        var removed = await ObjectUpdater.UpdateAsync(s3, names.GalleryBucket, TopologyNames.GalleryObjectKey, current =>
        {
            if (current is null)
            {
                return null;
            }
            var updated = Gallery.Load(new MemoryStream(current));
            if (!updated.Remove(name))
            {
                return null;
            }
            using var output = new MemoryStream();
            updated.Save(output);
            return output.ToArray();
        }, cancellationToken);
        if (!removed)
        {
            return RecognitionReply.Failure(request.Id, ReplyErrorCodes.NotEnrolled, $"'{name}' is not enrolled.");
        }
        await gallery.RefreshAsync(cancellationToken);
        LogForgotten(name);
        return new RecognitionReply(RecognitionRequest.Version, request.Id, name, "Forgotten", null, null, null);
    }

    [LoggerMessage(LogLevel.Information, "Forgot {Name}")]
    private partial void LogForgotten(string name);

    [LoggerMessage(LogLevel.Information, "Enrolled {Faces} face(s) of {Name}; {Skipped} picture(s) not used")]
    private partial void LogEnrolled(string name, int faces, int skipped);
}
