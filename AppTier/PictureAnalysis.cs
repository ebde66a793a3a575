using Amazon.S3;
using Amazon.S3.Model;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Vision;
using FaceRecognition.Vision.Imaging;

namespace FaceRecognition.AppTier;

/// <summary>
/// The jobs on pictures that name no one: detection (faces, scores, landmarks; the picture with them drawn on request)
/// and verification (two pictures, or a picture and an enrolled identity: the same person or not).
/// </summary>
internal sealed class PictureAnalysis(IAmazonS3 s3, Recognition recognition, GalleryCache gallery)
{
    /// <exception cref="ImageRejectedException">Not a usable picture.</exception>
    public async Task<RecognitionReply> DetectAsync(RecognitionRequest request, byte[] picture, CancellationToken cancellationToken)
    {
        var engine = recognition.Engine;
        var image = engine.Decode(picture);
        var faces = engine.Analyze(image).Take(request.MaxFaces ?? Recognition.DefaultMaxFaces).ToArray();
        string? drawnKey = null;
        if (request.Draw is { } format)
        {
            drawnKey = TopologyNames.DrawnKey(request.Id, format);
            var drawn = FacePictures.Drawn(image, faces, request.Landmarks == true, format == "png" ? PictureFormat.Png : PictureFormat.Jpeg);
            await s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = request.Bucket,
                Key = drawnKey,
                InputStream = new MemoryStream(drawn),
                ContentType = format == "png" ? "image/png" : "image/jpeg",
            }, cancellationToken);
        }
        return new RecognitionReply(RecognitionRequest.Version, request.Id, null, "Detected",
            [.. faces.Select(f => ReplyFaces.Of(f, null, null, request.Landmarks != false))], null, null,
            DrawnKey: drawnKey, Width: image.Width, Height: image.Height);
    }

    /// <summary>Compares the first picture's answer face with the second picture's, or with the identity's mean face.</summary>
    /// <exception cref="ImageRejectedException">A picture is not usable.</exception>
    public async Task<RecognitionReply> VerifyAsync(RecognitionRequest request, byte[] picture, Func<string, Task<byte[]>> download, CancellationToken cancellationToken)
    {
        var engine = recognition.Engine;
        var threshold = request.Threshold ?? engine.Options.MatchThreshold;
        var first = AnswerFace(engine, picture);
        if (first is null)
        {
            return RecognitionReply.Failure(request.Id, ReplyErrorCodes.NoFaceInPicture, "The first picture shows no face.");
        }
        ReplyVerification verification;
        if (request.Name is { } name)
        {
            // A conditional read of the gallery first: "not enrolled" must not come from an instance that has not yet
            // seen an enrolment another instance just made (recognitions accept the cache's few seconds instead).
            await gallery.RefreshAsync(cancellationToken);
            if (gallery.Current.DistanceTo(name, first.Descriptor) is not { } toIdentity)
            {
                return RecognitionReply.Failure(request.Id, ReplyErrorCodes.NotEnrolled, $"'{name}' is not enrolled.");
            }
            verification = Verification(toIdentity, threshold, first, null);
        }
        else
        {
            var second = AnswerFace(engine, await download(request.SecondKey!));
            if (second is null)
            {
                return RecognitionReply.Failure(request.Id, ReplyErrorCodes.NoFaceInPicture, "The second picture shows no face.");
            }
            verification = Verification(engine.Verify(first, second, threshold).Distance, threshold, first, second);
        }
        return new RecognitionReply(RecognitionRequest.Version, request.Id, request.Name, "Verified", null, null, null,
            Threshold: threshold, Verification: verification);
    }

    private static AnalyzedFace? AnswerFace(FaceRecognizer engine, byte[] picture) => engine.AnswerFace(engine.Analyze(engine.Decode(picture)));

    private static ReplyVerification Verification(float distance, float threshold, AnalyzedFace first, AnalyzedFace? second) =>
        new(MathF.Round(distance, 4), distance <= threshold, threshold, ReplyFaces.Of(first, null, null, false),
            second is null ? null : ReplyFaces.Of(second, null, null, false));
}
