using Amazon.S3;
using FaceRecognition.Api;
using FaceRecognition.Cloud.Storage;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Identities;
using FaceRecognition.WebTier.FrontDoor;

namespace FaceRecognition.WebTier;

/// <summary>
/// Enrolled people. Enrolment and removal are jobs for an app-tier instance (where the models are; the app tier is the
/// one writer of the gallery object); listing reads the gallery object. App-tier instances pick up changes within seconds.
/// </summary>
internal static class IdentityEndpoints
{
    public static void MapIdentityEndpoints(this WebApplication app)
    {
        var identities = app.MapGroup("/api/identities").RequireApiKey(KeyRequiredFor.Api);

        identities.MapPost("/{name}/faces", async (string name, HttpRequest request, UploadReader reader, RecognitionClient client, CancellationToken cancellationToken) =>
        {
            if (!IdentityName.IsValid(name))
            {
                return Problem(StatusCodes.Status400BadRequest, $"'{name}' is not a valid name: use 1 to {IdentityName.MaxLength} letters, digits, '_', '-' or '.'.");
            }
            var (uploads, problem) = await reader.ReadAllAsync(request, field: null, cancellationToken);
            if (problem is not null)
            {
                return Problem(problem.Status, problem.Detail);
            }
            try
            {
                var outcome = await CloudOutcome.Of(() => client.EnrollAsync(name, uploads!, cancellationToken));
                if (outcome.Problem is { } failure)
                {
                    return Problem(failure.Status, failure.Detail);
                }
                var reply = outcome.Reply!;
                return TypedResults.Ok(new EnrollmentResponse(outcome.RequestId, name, reply.Enrolled ?? 0, reply.Notes ?? [], reply.FaceIds ?? []));
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
        .RequireApiKey(KeyRequiredFor.Changes)
        .WithSummary("Enrol one or more pictures (any multipart field names) as faces of {name} (needs the API key).")
        .Produces<EnrollmentResponse>()
        .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        identities.MapGet("/", async (IAmazonS3 s3, TopologyNames names, CancellationToken cancellationToken) =>
        {
            var gallery = await ReadGalleryAsync(s3, names, cancellationToken);
            return TypedResults.Ok(gallery.Identities.Select(i => new IdentitySummary(i.Name, i.Faces)).ToArray());
        })
        .WithSummary("Every enrolled identity with its number of faces.")
        .Produces<IdentitySummary[]>();

        identities.MapGet("/{name}", async (string name, IAmazonS3 s3, TopologyNames names, CancellationToken cancellationToken) =>
        {
            if (!IdentityName.IsValid(name))
            {
                return Problem(StatusCodes.Status400BadRequest, $"'{name}' is not a valid name.");
            }
            var gallery = await ReadGalleryAsync(s3, names, cancellationToken);
            if (gallery.FacesOf(name) is not { } faces)
            {
                return Problem(StatusCodes.Status404NotFound, $"'{name}' is not enrolled.");
            }
            return TypedResults.Ok(new IdentityDetails(name, [.. faces.Select(f => new FaceSummary(f.Id,
                f.EnrolledAt == DateTimeOffset.UnixEpoch ? null : f.EnrolledAt, f.Source,
                $"/api/identities/{name}/faces/{f.Id}/thumbnail"))]));
        })
        .WithSummary("An identity's enrolled faces: id, when, the picture each came from, and its thumbnail's address.")
        .Produces<IdentityDetails>().ProducesProblem(StatusCodes.Status404NotFound);

        identities.MapGet("/{name}/faces/{id}/thumbnail", async (string name, string id, IAmazonS3 s3, TopologyNames names, CancellationToken cancellationToken) =>
        {
            if (!IdentityName.IsValid(name) || !EnrolledFace.IsValidId(id))
            {
                return Problem(StatusCodes.Status400BadRequest, $"'{name}' is not a valid name or '{id}' not a face id (16 hex digits).");
            }
            var (bytes, _) = await ObjectUpdater.ReadAsync(s3, names.GalleryBucket, TopologyNames.FaceThumbnailKey(name, id), cancellationToken);
            return bytes is null
                ? Problem(StatusCodes.Status404NotFound, $"No thumbnail of face '{id}' of '{name}'.")
                : Results.File(bytes, "image/jpeg");
        })
        .WithSummary("The thumbnail (JPEG) of an enrolled face.")
        .Produces(StatusCodes.Status200OK, contentType: "image/jpeg").ProducesProblem(StatusCodes.Status404NotFound);

        identities.MapDelete("/{name}/faces/{id}", async (string name, string id, RecognitionClient client, CancellationToken cancellationToken) =>
        {
            if (!IdentityName.IsValid(name) || !EnrolledFace.IsValidId(id))
            {
                return Problem(StatusCodes.Status400BadRequest, $"'{name}' is not a valid name or '{id}' not a face id (16 hex digits).");
            }
            var outcome = await CloudOutcome.Of(() => client.ForgetAsync(name, id, cancellationToken));
            return outcome.Problem is { } failure ? Problem(failure.Status, failure.Detail) : Results.NoContent();
        })
        .RequireApiKey(KeyRequiredFor.Changes)
        .WithSummary("Remove one enrolled face (the identity too when it was its last; needs the API key).")
        .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .ProducesProblem(StatusCodes.Status504GatewayTimeout);

        identities.MapDelete("/{name}", async (string name, RecognitionClient client, CancellationToken cancellationToken) =>
        {
            if (!IdentityName.IsValid(name))
            {
                return Problem(StatusCodes.Status400BadRequest, $"'{name}' is not a valid name.");
            }
            var outcome = await CloudOutcome.Of(() => client.ForgetAsync(name, faceId: null, cancellationToken));
            return outcome.Problem is { } failure ? Problem(failure.Status, failure.Detail) : Results.NoContent();
        })
        .RequireApiKey(KeyRequiredFor.Changes)
        .WithSummary("Forget an identity and all its faces (needs the API key).")
        .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .ProducesProblem(StatusCodes.Status504GatewayTimeout);
    }

    private static async Task<Gallery> ReadGalleryAsync(IAmazonS3 s3, TopologyNames names, CancellationToken cancellationToken)
    {
        var (bytes, _) = await ObjectUpdater.ReadAsync(s3, names.GalleryBucket, TopologyNames.GalleryObjectKey, cancellationToken);
        return bytes is null ? new Gallery() : Gallery.Load(new MemoryStream(bytes));
    }

    private static IResult Problem(int status, string detail) => TypedResults.Problem(detail, statusCode: status);
}
