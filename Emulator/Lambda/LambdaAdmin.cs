using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaceRecognition.Emulator.Lambda.Execution;
using FaceRecognition.Emulator.Protocol;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Lambda;

/// <summary>
/// What only the emulator's Lambda has, under <c>/_emulator/lambda/functions</c> (for the AppHost, tests and people):
/// <c>GET</c> each function's environments and running invocations; <c>GET {name}/logs?after=N&amp;wait=S</c> its log
/// lines after line N (waiting up to S seconds for one); <c>GET {name}/code</c> its package (GetFunction's
/// Code.Location); <c>POST {name}/attach</c> <c>{"port":P}</c> serves its Runtime API on port P for a runtime started by
/// an IDE (answering the variables to start it with), <c>DELETE {name}/attach</c> ends that.
/// </summary>
internal sealed class LambdaAdmin(EmulatorStore store, LambdaStore lambda, LambdaExecutor executor, FunctionLogs logs, CodePackages packages,
    CodeLocation codeLocation)
{
    public const string Path = "/_emulator/lambda/functions";

    public async Task HandleAsync(HttpContext http, string rawTarget)
    {
        try
        {
            if (!RequestTarget.TryParse(rawTarget, out var target, out _)) throw new AwsException(400, "InvalidRequest", "The request target is not valid.");
            var rest = target.Path[Path.Length..].Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
            switch (http.Request.Method, rest)
            {
                case ("GET", []):
                    await Json(http, 200, Status(), AdminJson.Default.ListFunctionStatus);
                    break;
                case ("GET", [var name, "logs"]):
                    Require(name);
                    var after = long.TryParse(target.Get("after"), NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : 0;
                    var wait = double.TryParse(target.Get("wait"), NumberStyles.Float, CultureInfo.InvariantCulture, out var w) ? Math.Clamp(w, 0, 60) : 0;
                    var lines = await logs.ReadAsync(name, after, TimeSpan.FromSeconds(wait), http.RequestAborted);
                    await Json(http, 200, [.. lines], AdminJson.Default.ListLogLine);
                    break;
                case ("GET", [var name, "code"]):
                    var function = Require(name);
                    if (!codeLocation.Verify(function.Name, function.CodeSha256, target.Get("token")))
                    {
                        throw new AwsException(403, "AccessDenied", "The package's URL is GetFunction's Code.Location, with its token (for this function's current code).");
                    }
                    http.Response.ContentType = "application/zip";
                    http.Response.ContentLength = function.CodeSize;
                    await using (var zip = packages.OpenZip(function)) await zip.CopyToAsync(http.Response.Body, http.RequestAborted);
                    break;
                case ("POST", [var name, "attach"]):
                    Require(name);
                    using (var request = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted))
                    {
                        var port = request.RootElement.TryGetProperty("port", out var p) ? p.GetInt32() : 0;
                        var (runtimeApi, variables) = await executor.AttachAsync(name, port);
                        await Json(http, 200, new AttachResponse(runtimeApi, variables.ToDictionary(v => v.Name, v => v.Value)), AdminJson.Default.AttachResponse);
                    }
                    break;
                case ("DELETE", [var name, "attach"]):
                    await executor.DetachAsync(name);
                    http.Response.StatusCode = 204;
                    break;
                default:
                    throw new AwsException(404, "NotFound", $"No such emulator endpoint: {http.Request.Method} {target.Path}");
            }
        }
        catch (Exception e) when (e is AwsException or JsonException or InvalidOperationException or FormatException)
        {
            if (http.Response.HasStarted) return;
            var status = e is AwsException aws ? aws.StatusCode : 400;
            http.Response.StatusCode = status;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = e.Message }, WireJson.Default.DictionaryStringString));
        }
    }

    private FunctionRecord Require(string name) =>
        store.Read(() => lambda.FindFunction(name)) ?? throw new AwsException(404, "ResourceNotFoundException", $"Function not found: {name}");

    private List<FunctionStatus> Status()
    {
        var running = executor.Status().ToDictionary(s => s.Name);
        return [.. store.Read(lambda.Functions).Select(f => running.TryGetValue(f.Name, out var status)
            ? new FunctionStatus(f.Name, f.ReservedConcurrency, status.Running, status.PeakRunning, status.Invocations, status.Errors, status.Throttles, status.Environments)
            : new FunctionStatus(f.Name, f.ReservedConcurrency, 0, 0, 0, 0, 0, []))];
    }

    private static async Task Json<T>(HttpContext http, int status, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(value, type), http.RequestAborted);
    }
}

internal sealed record FunctionStatus(string Name, int? ReservedConcurrency, int Running, int PeakRunning, long Invocations, long Errors, long Throttles,
    IReadOnlyList<EnvironmentStatus> Environments);

internal sealed record AttachResponse(string RuntimeApi, Dictionary<string, string> Variables);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<FunctionStatus>))]
[JsonSerializable(typeof(List<LogLine>))]
[JsonSerializable(typeof(AttachResponse))]
internal sealed partial class AdminJson : JsonSerializerContext;
