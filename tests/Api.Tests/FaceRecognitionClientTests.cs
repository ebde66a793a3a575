using System.Collections.Concurrent;
using System.Net;
using FaceRecognition.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FaceRecognition.Api.Tests;

/// <summary>The typed client against a small real HTTP server that answers as the web tier would.</summary>
public sealed class FaceRecognitionClientTests : IAsyncDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly ConcurrentQueue<string> _seen = new();
    private LocalHttpServer? _server;

    [Fact]
    public async Task A_request_turned_away_for_now_is_sent_again_after_retry_after_and_each_wait_is_told()
    {
        var attempts = 0;
        var url = await Serve(app => app.MapPost("/", (HttpContext context) =>
        {
            switch (Interlocked.Increment(ref attempts))
            {
                case 1:
                    context.Response.Headers.RetryAfter = "1";
                    return Results.Problem("Too many requests from this client: try again in 1 s.", statusCode: 429);
                case 2:
                    return Results.Problem("The cloud (S3/SQS) could not take the request.", statusCode: 503);
                default:
                    return Results.Text("test_000:Paul");
            }
        }).DisableAntiforgery());
        using var http = new HttpClient();
        var client = new FaceRecognitionClient(http, url);
        var waits = new List<(HttpStatusCode, TimeSpan)>();
        client.Retrying += (status, wait) => waits.Add((status, wait));

        var answer = await client.RecognizeOriginalAsync("test_000.jpg", new byte[] { 0xFF, 0xD8, 0xFF }, _ct);

        Assert.Equal("test_000:Paul", answer);
        Assert.Equal([(HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(1)), (HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(1))], waits);
    }

    [Fact]
    public async Task The_reason_of_a_refusal_is_the_exception_s_and_retries_stop_at_the_limit()
    {
        var attempts = 0;
        var url = await Serve(app =>
        {
            app.MapPost("/api/recognitions", () => Results.Problem("The file is not a picture by its content.", statusCode: 415)).DisableAntiforgery();
            app.MapDelete("/api/identities/{name}", () =>
            {
                Interlocked.Increment(ref attempts);
                return Results.Problem("The cloud could not be reached.", statusCode: 503);
            });
        });
        using var http = new HttpClient();
        var client = new FaceRecognitionClient(http, url, maxAttempts: 2);

        var refused = await Assert.ThrowsAsync<ApiException>(() => client.RecognizeAsync("a.jpg", new byte[] { 1 }, _ct));
        var unavailable = await Assert.ThrowsAsync<ApiException>(() => client.ForgetAsync("Ann", _ct));

        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "The file is not a picture by its content."), (refused.Status, refused.Detail));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.Status);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task Answers_are_typed_and_the_key_and_the_parameters_are_sent()
    {
        var url = await Serve(app =>
        {
            app.MapPost("/prefix/api/recognitions", (HttpContext context) =>
            {
                _seen.Enqueue($"{context.Request.Headers["X-Api-Key"]} {context.Request.QueryString}");
                return Results.Json(new RecognitionResponse("r1", "a", "Ann", "Matched", [new ApiFace([1, 2, 3, 4], 0.9f, "Ann", 0.3f, null)], null, 0.4f, 640, 480, 0));
            }).DisableAntiforgery();
            app.MapPost("/prefix/api/identities/{name}/faces", async (string name, HttpContext context) =>
            {
                var form = await context.Request.ReadFormAsync();
                return Results.Json(new EnrollmentResponse("r2", name, form.Files.Count, [], ["0123456789abcdef", "fedcba9876543210"]));
            }).DisableAntiforgery();
        });
        using var http = new HttpClient();
        var client = new FaceRecognitionClient(http, new Uri(url, "prefix"), apiKey: "the-key-of-this-system");

        var recognised = await client.RecognizeAsync("a.jpg", new byte[] { 1 }, _ct, threshold: 0.4f, maxFaces: 3, landmarks: true);
        var enrolled = await client.EnrollAsync("Ann", [("a.jpg", new byte[] { 1 }), ("b.jpg", new byte[] { 2 })], _ct);

        Assert.Equal(("Ann", 0, 0.3f, 640), (recognised.Answer, recognised.AnswerFace, recognised.Faces[0].Distance, recognised.Width));
        Assert.Equal("the-key-of-this-system ?threshold=0.4&maxFaces=3&landmarks=true", Assert.Single(_seen));
        Assert.Equal((2, 2), (enrolled.Enrolled, enrolled.FaceIds.Length));
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task<Uri> Serve(Action<WebApplication> map)
    {
        _server = await LocalHttpServer.StartAsync(map, _ct);
        return _server.Url;
    }
}
