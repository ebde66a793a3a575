using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.Tests.Support;

/// <summary>
/// The AWS Lambda Runtime API as the documentation describes it (2018-06-01), served on a free local port: events are
/// queued by the test, and what the runtime posts back (response, error, init error) is recorded.
/// </summary>
public sealed class FakeRuntimeApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<(string Id, string Body, DateTimeOffset Deadline)> _events = Channel.CreateUnbounded<(string, string, DateTimeOffset)>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RuntimeReply>> _replies = new();
    private readonly TaskCompletionSource<RuntimeReply> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, bool> _refused = new();

    private FakeRuntimeApi(WebApplication app) => _app = app;

    /// <summary>The value for AWS_LAMBDA_RUNTIME_API (host:port).</summary>
    public string Address => new Uri(_app.Urls.First()).Authority;

    public Task<RuntimeReply> InitError => _initError.Task;

    public static async Task<FakeRuntimeApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeRuntimeApi(app);
        app.MapGet("/2018-06-01/runtime/invocation/next", async (HttpContext http) =>
        {
            var (id, body, deadline) = await fake._events.Reader.ReadAsync(http.RequestAborted);
            http.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = id;
            http.Response.Headers["Lambda-Runtime-Deadline-Ms"] = deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            http.Response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:us-east-1:000000000000:function:test";
            http.Response.Headers["Lambda-Runtime-Trace-Id"] = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(body);
        });
        app.MapPost("/2018-06-01/runtime/invocation/{id}/response", async (string id, HttpRequest request) =>
        {
            fake.Reply(id).TrySetResult(new RuntimeReply(RuntimeReplyKind.Response, await new StreamReader(request.Body).ReadToEndAsync(), null));
            return fake.Answer(id);
        });
        app.MapPost("/2018-06-01/runtime/invocation/{id}/error", async (string id, HttpRequest request) =>
        {
            fake.Reply(id).TrySetResult(new RuntimeReply(RuntimeReplyKind.Error, await new StreamReader(request.Body).ReadToEndAsync(),
                request.Headers["Lambda-Runtime-Function-Error-Type"].ToString()));
            return fake.Answer(id);
        });
        app.MapPost("/2018-06-01/runtime/init/error", async (HttpRequest request) =>
        {
            fake._initError.TrySetResult(new RuntimeReply(RuntimeReplyKind.InitError, await new StreamReader(request.Body).ReadToEndAsync(),
                request.Headers["Lambda-Runtime-Function-Error-Type"].ToString()));
            return Results.Accepted();
        });
        await app.StartAsync();
        return fake;
    }

    /// <summary>Queues an event for the runtime's next call; returns its request id. With <paramref name="refuseAnswer"/>
    /// the answer is recorded but refused as Lambda refuses one for an invocation it no longer runs (400 InvalidRequestID).</summary>
    public string Invoke(string eventJson, TimeSpan? timeout = null, bool refuseAnswer = false)
    {
        var id = Guid.NewGuid().ToString();
        Reply(id);
        if (refuseAnswer) _refused[id] = true;
        _events.Writer.TryWrite((id, eventJson, DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromMinutes(1))));
        return id;
    }

    public Task<RuntimeReply> ReplyTo(string requestId) => Reply(requestId).Task;

    private IResult Answer(string id) => _refused.ContainsKey(id)
        ? Results.Json(new Dictionary<string, string> { ["errorType"] = "InvalidRequestID", ["errorMessage"] = $"Invocation {id} is not running." }, statusCode: 400)
        : Results.Accepted();

    private TaskCompletionSource<RuntimeReply> Reply(string id) =>
        _replies.GetOrAdd(id, _ => new TaskCompletionSource<RuntimeReply>(TaskCreationOptions.RunContinuationsAsynchronously));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public enum RuntimeReplyKind
{
    Response,
    Error,
    InitError,
}

public sealed record RuntimeReply(RuntimeReplyKind Kind, string Body, string? ErrorTypeHeader);
