using Amazon.S3;
using FaceRecognition.Api;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.WebTier.FrontDoor;

namespace FaceRecognition.WebTier;

/// <summary>The original contract (<c>POST /</c>, text answers) and the JSON API under <c>/api</c>.</summary>
internal static class Endpoints
{
    public static void MapRecognitionEndpoints(this WebApplication app)
    {
        // Exactly the original: multipart field inputFile -> "<stem>:<name>" as text/plain.
        app.MapPost("/", async (HttpRequest request, UploadReader reader, RecognitionClient client, CancellationToken cancellationToken) =>
        {
            var (upload, problem) = await reader.ReadAsync(request, ApiNames.OriginalField, cancellationToken);
            if (problem is not null)
            {
                return Results.Text(problem.Detail + "\n", "text/plain", statusCode: problem.Status);
            }
            var outcome = await Recognize(client, upload!, cancellationToken);
            return outcome.Problem is { } error
                ? Results.Text(error.Detail + "\n", "text/plain", statusCode: error.Status)
                : Results.Text($"{upload!.Stem}:{outcome.Reply!.Name}", "text/plain");
        }).DisableAntiforgery().ExcludeFromDescription().RequireApiKey(KeyRequiredFor.All);

        var api = app.MapGroup("/api").RequireApiKey(KeyRequiredFor.Api);
        api.MapPost("/recognitions", async (HttpRequest request, UploadReader reader, RecognitionClient client, CancellationToken cancellationToken) =>
        {
            var (faceOptions, queryProblem) = FaceQuery.Parse(request.Query, landmarksByDefault: false);
            if (queryProblem is not null)
            {
                return Problem(queryProblem);
            }
            var (upload, problem) = await reader.ReadAsync(request, ApiNames.FileField, cancellationToken);
            if (problem is not null)
            {
                return Problem(problem);
            }
            var outcome = await Recognize(client, upload!, cancellationToken, faceOptions);
            if (outcome.Problem is { } error)
            {
                return Problem(error);
            }
            var reply = outcome.Reply!;
            return TypedResults.Ok(new RecognitionResponse(outcome.RequestId, upload!.Stem, reply.Name!, reply.Kind ?? "",
                [.. (reply.Faces ?? []).Select(ApiShapes.Face)], ApiShapes.Timings(reply.Timings), reply.Threshold, reply.Width, reply.Height, reply.AnswerFace));
        })
        .DisableAntiforgery()
        .WithSummary("Recognise the faces of a picture (multipart field 'file'); threshold (default 0.55), maxFaces (default 10) and landmarks (default false) as query parameters.")
        .Produces<RecognitionResponse>()
        .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .ProducesProblem(StatusCodes.Status504GatewayTimeout);

        api.MapGet("/results/{stem}", async (string stem, IAmazonS3 s3, TopologyNames names, CancellationToken cancellationToken) =>
        {
            if (!PictureUpload.IsValidStem(stem))
            {
                return Problem(new UploadProblem(StatusCodes.Status400BadRequest, $"'{stem}' is not a valid stem: 1 to 128 letters, digits, '_', '-' or '.'."));
            }
            try
            {
                using var response = await s3.GetObjectAsync(names.OutputBucket, stem, cancellationToken);
                using var text = new StreamReader(response.ResponseStream);
                return TypedResults.Ok(new StoredResult(stem, await text.ReadToEndAsync(cancellationToken)));
            }
            catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return Problem(new UploadProblem(StatusCodes.Status404NotFound, $"No result for '{stem}' in {names.OutputBucket}."));
            }
        })
        .WithSummary("The stored answer for a file stem, from the output bucket.")
        .Produces<StoredResult>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapFaceEndpoints();
        api.MapSystemEndpoints();
    }

    private static async Task<CloudOutcome> Recognize(RecognitionClient client, Upload upload, CancellationToken cancellationToken, FaceOptions? faceOptions = null)
    {
        await using (upload.Content)
        {
            return await CloudOutcome.Of(() => client.RecognizeAsync(upload.Stem, upload.Extension, upload.Content, cancellationToken, faceOptions));
        }
    }

    private static IResult Problem(UploadProblem problem) => TypedResults.Problem(problem.Detail, statusCode: problem.Status);
}
