using Amazon.S3;
using FaceRecognition.Api;
using FaceRecognition.Identities;

namespace FaceRecognition.WebTier;

/// <summary>Faces without names (<c>POST /api/detections</c>) and whether two faces are one person
/// (<c>POST /api/verifications</c>): jobs for an app-tier instance, like recognitions.</summary>
internal static class FaceEndpoints
{
    public static void MapFaceEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/detections", async (HttpRequest request, UploadReader reader, RecognitionClient client, IAmazonS3 s3, CancellationToken cancellationToken) =>
        {
            var (faceOptions, queryProblem) = FaceQuery.Parse(request.Query, landmarksByDefault: true);
            var (draw, drawProblem) = FaceQuery.Flag(request.Query, ApiNames.Draw, byDefault: false);
            var format = request.Query[ApiNames.Format].ToString();
            if ((queryProblem ?? drawProblem) is { } badQuery)
            {
                return Problem(badQuery);
            }
            if (format is not ("" or "png" or "jpeg"))
            {
                return Problem(new UploadProblem(StatusCodes.Status400BadRequest, $"'format' must be png or jpeg, not '{format}'."));
            }
            var (upload, problem) = await reader.ReadAsync(request, ApiNames.FileField, cancellationToken);
            if (problem is not null)
            {
                return Problem(problem);
            }
            var drawAs = !draw ? null : format is { Length: > 0 } ? format : upload!.Extension == ".jpg" ? "jpeg" : "png";
            CloudOutcome outcome;
            await using (upload!.Content)
            {
                outcome = await CloudOutcome.Of(() => client.DetectAsync(upload, faceOptions!, drawAs, cancellationToken));
            }
            if (outcome.Problem is { } error)
            {
                return Problem(error);
            }
            var reply = outcome.Reply!;
            var faces = (reply.Faces ?? []).Select(f => new DetectedFace(f.Box, f.Score, f.Landmarks)).ToArray();
            if (reply.DrawnKey is { } drawnKey)
            {
                using var drawn = await s3.GetObjectAsync(client.InputBucket, drawnKey, cancellationToken);
                using var bytes = new MemoryStream();
                await drawn.ResponseStream.CopyToAsync(bytes, cancellationToken);
                request.HttpContext.Response.Headers["X-Request-Id"] = outcome.RequestId;
                request.HttpContext.Response.Headers["X-Face-Count"] = faces.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.File(bytes.ToArray(), drawAs == "png" ? "image/png" : "image/jpeg", $"{upload.Stem}-faces.{(drawAs == "png" ? "png" : "jpg")}");
            }
            return TypedResults.Ok(new DetectionResponse(outcome.RequestId, upload.Stem, reply.Width ?? 0, reply.Height ?? 0, faces, ApiShapes.Timings(reply.Timings)));
        })
        .DisableAntiforgery()
        .WithSummary("Find the faces of a picture (multipart field 'file'): boxes, scores and landmarks; with draw=true the picture comes back with them drawn (format=png or jpeg; by default JPEG for a JPEG, else PNG).")
        .Produces<DetectionResponse>().Produces(StatusCodes.Status200OK, contentType: "image/png")
        .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .ProducesProblem(StatusCodes.Status504GatewayTimeout);

        api.MapPost("/verifications", async (HttpRequest request, UploadReader reader, RecognitionClient client, CancellationToken cancellationToken) =>
        {
            var (faceOptions, queryProblem) = FaceQuery.Parse(request.Query, landmarksByDefault: false);
            if (queryProblem is not null)
            {
                return Problem(queryProblem);
            }
            var (uploads, problem) = await reader.ReadAllAsync(request, field: null, cancellationToken);
            if (problem is not null)
            {
                return Problem(problem);
            }
            try
            {
                var first = uploads!.FirstOrDefault(u => u.Field == ApiNames.FirstField);
                var second = uploads!.FirstOrDefault(u => u.Field == ApiNames.SecondField);
                var identity = request.Form[ApiNames.IdentityField].ToString() is { Length: > 0 } name ? name : null;
                if (first is null || (second is null) == (identity is null) || uploads!.Any(u => u.Field is not (ApiNames.FirstField or ApiNames.SecondField)))
                {
                    var sent = string.Join(", ", uploads!.Select(u => $"'{u.Field}'"));
                    return Problem(new UploadProblem(StatusCodes.Status400BadRequest,
                        $"Send the first picture in '{ApiNames.FirstField}' and either a second picture in '{ApiNames.SecondField}' or an enrolled name in '{ApiNames.IdentityField}' (the form had files in {sent}{(identity is null ? "" : $" and the name '{identity}'")})."));
                }
                if (identity is not null && !IdentityName.IsValid(identity))
                {
                    return Problem(new UploadProblem(StatusCodes.Status400BadRequest, $"'{identity}' is not a valid name."));
                }
                var outcome = await CloudOutcome.Of(() => client.VerifyAsync(first, second, identity, faceOptions!.Threshold, cancellationToken));
                if (outcome.Problem is { } error)
                {
                    return Problem(error);
                }
                var verification = outcome.Reply!.Verification!;
                return TypedResults.Ok(new VerificationResponse(outcome.RequestId, verification.Distance, verification.SamePerson, verification.Threshold,
                    identity, new DetectedFace(verification.First.Box, verification.First.Score, null),
                    verification.Second is { } other ? new DetectedFace(other.Box, other.Score, null) : null, ApiShapes.Timings(outcome.Reply.Timings)));
            }
            finally
            {
                foreach (var upload in uploads!)
                {
                    await upload.Content.DisposeAsync();
                }
            }
        })
        .DisableAntiforgery()
        .WithSummary("Whether two pictures (multipart fields 'first' and 'second'), or a picture ('first') and an enrolled identity (form field 'identity'), show the same person: the distance, the answer and the threshold used.")
        .Produces<VerificationResponse>()
        .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .ProducesProblem(StatusCodes.Status504GatewayTimeout);
    }

    private static IResult Problem(UploadProblem problem) => TypedResults.Problem(problem.Detail, statusCode: problem.Status);
}
