using System.Globalization;
using System.Net;
using System.Text.Json;
using FaceRecognition.Emulator.Protocol;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FaceRecognition.Emulator.Lambda.Execution;

/// <summary>An invocation as the Runtime API hands it over.</summary>
internal sealed record Delivery(Invocation Invocation, DateTimeOffset Deadline, string FunctionArn);

/// <summary>What a Runtime API server serves: one execution environment.</summary>
internal interface IRuntimeApiTarget
{
    /// <summary>Waits for the environment's next invocation; null when the environment is ending.</summary>
    Task<Delivery?> NextAsync(CancellationToken aborted);

    /// <returns>Null when accepted, else the Runtime API's error (status, type, message).</returns>
    RuntimeApiRefusal? Respond(string requestId, byte[] response);

    RuntimeApiRefusal? ReportError(string requestId, string? errorType, byte[] error);

    RuntimeApiRefusal? ReportInitError(string? errorType, byte[] error);

    /// <summary>A response larger than Lambda allows: the invocation fails with Function.ResponseSizeTooLarge.</summary>
    void ResponseTooLarge(string requestId);
}

internal sealed record RuntimeApiRefusal(int Status, string ErrorType, string Message);

/// <summary>
/// The Lambda Runtime API (2018-06-01) of one execution environment, on a port of its own on the loopback interface,
/// as Lambda gives each environment its own <c>AWS_LAMBDA_RUNTIME_API</c>: <c>GET invocation/next</c>,
/// <c>POST invocation/{id}/response</c>, <c>POST invocation/{id}/error</c>, <c>POST init/error</c>.
/// </summary>
internal sealed class RuntimeApiServer : IAsyncDisposable
{
    /// <summary>Lambda's limit for a synchronous response (6 MB).</summary>
    public const int MaxResponseBytes = 6_291_556;

    private const string Prefix = "/2018-06-01/runtime";
    private readonly WebApplication _app;

    private RuntimeApiServer(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>host:port, the value of <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public string Address { get; }

    public static async Task<RuntimeApiServer> StartAsync(IRuntimeApiTarget target, int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxResponseBytes + 1;
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.MapGet(Prefix + "/invocation/next", async (HttpContext http) => await Next(target, http));
        app.MapPost(Prefix + "/invocation/{requestId}/response", async (HttpContext http, string requestId) =>
        {
            if (await ReadBody(http) is not { } body)
            {
                target.ResponseTooLarge(requestId);
                await Refuse(http, new RuntimeApiRefusal(413, "RequestEntityTooLarge", $"Exceeded maximum allowed payload size ({MaxResponseBytes} bytes)."));
                return;
            }
            await Answer(http, target.Respond(requestId, body));
        });
        app.MapPost(Prefix + "/invocation/{requestId}/error", async (HttpContext http, string requestId) =>
            await Answer(http, target.ReportError(requestId, ErrorType(http), await ReadBody(http) ?? [])));
        app.MapPost(Prefix + "/init/error", async (HttpContext http) =>
            await Answer(http, target.ReportInitError(ErrorType(http), await ReadBody(http) ?? [])));
        app.MapFallback(async (HttpContext http) =>
            await Refuse(http, new RuntimeApiRefusal(404, "InvalidRequest", $"The Runtime API has no {http.Request.Method} {http.Request.Path}.")));
        await app.StartAsync(cancellationToken);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new RuntimeApiServer(app, $"127.0.0.1:{address.Port}");
    }

    private static async Task Next(IRuntimeApiTarget target, HttpContext http)
    {
        var delivery = await target.NextAsync(http.RequestAborted);
        if (delivery is null)
        {
            // The environment is ending: the runtime is about to be stopped.
            await Refuse(http, new RuntimeApiRefusal(410, "EnvironmentEnding", "This execution environment is shutting down."));
            return;
        }
        var headers = http.Response.Headers;
        headers["Lambda-Runtime-Aws-Request-Id"] = delivery.Invocation.RequestId;
        headers["Lambda-Runtime-Deadline-Ms"] = delivery.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        headers["Lambda-Runtime-Invoked-Function-Arn"] = delivery.FunctionArn;
        headers["Lambda-Runtime-Trace-Id"] = delivery.Invocation.TraceId;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = delivery.Invocation.Payload.Length;
        await http.Response.Body.WriteAsync(delivery.Invocation.Payload, CancellationToken.None);
    }

    private static string? ErrorType(HttpContext http) =>
        http.Request.Headers["Lambda-Runtime-Function-Error-Type"] is { Count: > 0 } values ? values.ToString() : null;

    /// <summary>The body, or null when it is larger than Lambda allows.</summary>
    private static async Task<byte[]?> ReadBody(HttpContext http)
    {
        try
        {
            return await RequestBody.ReadAllAsync(http.Request, MaxResponseBytes, () => new AwsException(413, "RequestEntityTooLarge", "too large"), http.RequestAborted);
        }
        catch (AwsException e) when (e.StatusCode == 413)
        {
            return null;
        }
        catch (BadHttpRequestException)
        {
            return null;
        }
    }

    private static Task Answer(HttpContext http, RuntimeApiRefusal? refusal)
    {
        if (refusal is not null) return Refuse(http, refusal);
        http.Response.StatusCode = StatusCodes.Status202Accepted;
        return http.Response.WriteAsync("""{"status":"OK"}""");
    }

    private static Task Refuse(HttpContext http, RuntimeApiRefusal refusal)
    {
        http.Response.StatusCode = refusal.Status;
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new RuntimeErrorDocument(refusal.Message, refusal.ErrorType), RuntimeApiJson.Default.RuntimeErrorDocument));
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
