using System.Text;
using System.Text.Json;
using FaceRecognition.Emulator.Auth;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Iam;
using FaceRecognition.Emulator.Protocol;
using Microsoft.AspNetCore.WebUtilities;

namespace FaceRecognition.Emulator.Ec2;

/// <summary>
/// EC2's request pipeline (the minimal API an autoscaler needs; query protocol, XML answers): read the body (bounded)
/// -> authenticate -> dispatch by Action to <see cref="InstanceHandler"/> -> answer or EC2's XML error. Plus, under
/// <c>/_emulator/ec2/instances</c>, what only the emulator has: registering instances and reporting that one has
/// finished starting or stopping.
/// </summary>
internal sealed class Ec2Endpoint(InstanceHandler instances, SigV4Authenticator authenticator, AccessControl access, EmulatorOptions options,
    ILogger<Ec2Endpoint> logger)
{
    public const string AdminPath = "/_emulator/ec2/instances";
    private const int MaxBodyBytes = 256 * 1024;

    public static bool Claims(string? scopeService) => scopeService == "ec2";

    public async Task HandleAsync(HttpContext http, RequestTarget target, string requestId)
    {
        try
        {
            var body = await RequestBody.ReadAllAsync(http.Request, MaxBodyBytes, () => new AwsException(413, "RequestEntityTooLarge", "The request is too large."), http.RequestAborted);
            var auth = authenticator.Authenticate(http.Request, target, "ec2", SigV4.HexSha256(body));
            var parameters = Parameters(target, body);
            var action = parameters.GetValueOrDefault("Action") ?? throw Ec2Errors.MissingParameter("Action");
            Authorize(auth.AccessKey, action, parameters);
            var answer = action switch
            {
                "DescribeInstances" => instances.DescribeInstances(parameters, requestId),
                "StartInstances" => await instances.StartInstances(parameters, requestId),
                "StopInstances" => await instances.StopInstances(parameters, requestId),
                _ => throw Ec2Errors.InvalidAction(action),
            };
            await Write(http.Response, 200, "text/xml", answer);
        }
        catch (AuthFailure failure)
        {
            await Write(http.Response, 403, "text/xml", Ec2Xml.Error(new AwsException(403, "AuthFailure", failure.Message), requestId));
        }
        catch (AccessDenied denied)
        {
            var error = new AwsException(403, "UnauthorizedOperation", "You are not authorized to perform this operation. " + denied.Message);
            await Write(http.Response, 403, "text/xml", Ec2Xml.Error(error, requestId));
        }
        catch (AwsException error)
        {
            await Write(http.Response, error.StatusCode, "text/xml", Ec2Xml.Error(error, requestId));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "EC2 request {RequestId} failed", requestId);
            await Write(http.Response, 500, "text/xml", Ec2Xml.Error(new AwsException(500, "InternalError", "An internal error has occurred."), requestId));
        }
    }

    /// <summary>As EC2 authorises: starting or stopping, each instance by its ARN with its tags as
    /// <c>ec2:ResourceTag/&lt;key&gt;</c> (every one must be allowed); Describe actions on <c>*</c>.</summary>
    private void Authorize(string accessKey, string action, IReadOnlyDictionary<string, string> parameters)
    {
        if (access.IsAdministrator(accessKey)) return;
        if (action is not ("StartInstances" or "StopInstances"))
        {
            access.Authorize(accessKey, "ec2:" + action, "*");
            return;
        }
        var all = instances.All().ToDictionary(i => i.InstanceId, StringComparer.Ordinal);
        for (var n = 1; parameters.TryGetValue($"InstanceId.{n}", out var id); n++)
        {
            var tags = all.GetValueOrDefault(id)?.Tags;
            access.Authorize(accessKey, "ec2:" + action, $"arn:aws:ec2:{options.Region}:{options.AccountId}:instance/{id}",
                key => key.StartsWith(TagKey, StringComparison.Ordinal) && tags is not null && tags.TryGetValue(key[TagKey.Length..], out var value) ? value : null);
        }
    }

    private const string TagKey = "ec2:ResourceTag/";

    /// <summary><c>GET</c>: every instance; <c>POST</c> <c>{"tags":{"Name":"app-tier-instance-1"}}</c>: register one,
    /// stopped (with <c>"state":"running"</c>: one already running, such as the web tier the AppHost runs from the start);
    /// <c>POST …/{id}/state</c> <c>{"state":"running"}</c>: it has finished starting (or stopping: "stopped").</summary>
    public async Task HandleAdminAsync(HttpContext http, string rawPath)
    {
        try
        {
            var rest = rawPath[AdminPath.Length..].Trim('/');
            if (rest.Length == 0 && HttpMethods.IsGet(http.Request.Method))
            {
                await Json(http.Response, 200, instances.All().Select(AdminView).ToArray());
            }
            else if (rest.Length == 0 && HttpMethods.IsPost(http.Request.Method))
            {
                using var request = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
                var tags = request.RootElement.GetProperty("tags").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
                var state = request.RootElement.TryGetProperty("state", out var given) ? given.GetString() ?? "" : InstanceStates.Stopped;
                await Json(http.Response, 200, AdminView(await instances.Register(tags, state)));
            }
            else if (rest.EndsWith("/state", StringComparison.Ordinal) && HttpMethods.IsPost(http.Request.Method))
            {
                using var request = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
                var state = request.RootElement.GetProperty("state").GetString() ?? "";
                var change = await instances.Complete(rest[..^"/state".Length], state);
                await Json(http.Response, 200, new Dictionary<string, string> { ["instanceId"] = change.InstanceId, ["previous"] = change.Previous, ["state"] = change.Current });
            }
            else
            {
                throw new AwsException(404, "NotFound", $"No such emulator endpoint: {http.Request.Method} {rawPath}");
            }
        }
        catch (Exception e) when (e is AwsException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            var status = e is AwsException aws ? aws.StatusCode : 400;
            await Json(http.Response, status, new Dictionary<string, string> { ["error"] = e.Message });
        }
    }

    private static Dictionary<string, string> Parameters(RequestTarget target, byte[] body)
    {
        var parameters = target.Query.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        var reader = new FormReader(Encoding.UTF8.GetString(body));
        while (reader.ReadNextPair() is { } pair)
        {
            parameters[pair.Key] = pair.Value;
        }
        return parameters;
    }

    private static Dictionary<string, object> AdminView(Ec2Instance instance) => new()
    {
        ["instanceId"] = instance.InstanceId,
        ["state"] = instance.State,
        ["tags"] = instance.Tags,
    };

    private static async Task Json(HttpResponse response, int status, object value) =>
        await Write(response, status, "application/json", JsonSerializer.SerializeToUtf8Bytes(value));

    private static async Task Write(HttpResponse response, int status, string contentType, byte[] body)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body);
    }
}
