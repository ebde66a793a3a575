using System.Globalization;
using FaceRecognition.Emulator.Auth;
using FaceRecognition.Emulator.CloudWatch;
using FaceRecognition.Emulator.Ec2;
using FaceRecognition.Emulator.Iam;
using FaceRecognition.Emulator.Lambda;
using FaceRecognition.Emulator.Protocol;
using FaceRecognition.Emulator.S3;
using FaceRecognition.Emulator.Sqs;
using Microsoft.AspNetCore.Http.Features;

namespace FaceRecognition.Emulator.Hosting;

/// <summary>
/// Every request enters here: health and the emulator's own admin endpoints, then the service the request is for (EC2,
/// Lambda and CloudWatch by their credential scope; SQS by its target header, credential scope or form action; S3 otherwise), each of which authenticates, dispatches and renders its own errors.
/// </summary>
internal sealed class EmulatorPipeline(S3Endpoint s3, SqsEndpoint sqs, Ec2Endpoint ec2, LambdaEndpoint lambda, LambdaAdmin lambdaAdmin,
    CloudWatchEndpoint cloudWatch, SigV4Authenticator authenticator, AccessControl access)
{
    /// <summary>The largest body an admin endpoint reads (they take small JSON documents).</summary>
    private const int MaxAdminBodyBytes = 1024 * 1024;

    public const string HealthPath = "/_emulator/health";

    private static long s_requestCounter;
    private static readonly string s_requestIdPrefix = Convert.ToHexString(BitConverter.GetBytes(Random.Shared.Next()));

    public async Task InvokeAsync(HttpContext context)
    {
        var requestId = s_requestIdPrefix + Interlocked.Increment(ref s_requestCounter).ToString("X8", CultureInfo.InvariantCulture);
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        if (rawTarget == HealthPath && HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"status":"healthy","services":["s3","sqs","ec2","lambda","cloudwatch"]}""");
            return;
        }
        if (rawTarget.StartsWith(Ec2Endpoint.AdminPath, StringComparison.Ordinal))
        {
            if (await IsAdministratorAsync(context, rawTarget)) await ec2.HandleAdminAsync(context, rawTarget);
            return;
        }
        if (rawTarget.StartsWith(LambdaAdmin.Path, StringComparison.Ordinal))
        {
            // A package download carries its own token (GetFunction's Code.Location), as AWS's presigned URL does.
            if (CodeLocation.IsDownload(context.Request, rawTarget) || await IsAdministratorAsync(context, rawTarget)) await lambdaAdmin.HandleAsync(context, rawTarget);
            return;
        }
        if (!RequestTarget.TryParse(rawTarget, out var target, out var error))
        {
            // Unparseable target: answer as S3 would, without touching anything.
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync(
                $"<Error><Code>InvalidURI</Code><Message>Couldn't parse the specified URI: {System.Security.SecurityElement.Escape(error)}</Message><RequestId>{requestId}</RequestId></Error>");
            return;
        }
        var scopeService = SigV4Authenticator.ScopeService(context.Request, target);
        if (Ec2Endpoint.Claims(scopeService))
        {
            await ec2.HandleAsync(context, target, requestId);
        }
        else if (LambdaEndpoint.Claims(scopeService))
        {
            await lambda.HandleAsync(context, target, requestId);
        }
        else if (CloudWatchEndpoint.Claims(scopeService))
        {
            await cloudWatch.HandleAsync(context, target, requestId);
        }
        else if (SqsEndpoint.Claims(context.Request, target, scopeService))
        {
            await sqs.HandleAsync(context, target, requestId);
        }
        else
        {
            await s3.HandleAsync(context, target, requestId);
        }
    }

    /// <summary>The emulator's own endpoints (registering instances, reading function logs, attaching a debugger) are
    /// an administrator's: the request must be signed (SigV4, any service name) with a key of <c>Emulator:Credentials</c>.
    /// Otherwise the answer is 403 with the reason, and false.</summary>
    private async Task<bool> IsAdministratorAsync(HttpContext context, string rawTarget)
    {
        string? refusal;
        try
        {
            if (!RequestTarget.TryParse(rawTarget, out var target, out var error)) throw new AwsException(400, "InvalidURI", error);
            var body = await RequestBody.ReadAllAsync(context.Request, MaxAdminBodyBytes, () => new AwsException(413, "RequestEntityTooLarge", "The request is too large."),
                context.RequestAborted);
            var auth = authenticator.Authenticate(context.Request, target, SigV4Authenticator.ScopeService(context.Request, target) ?? "emulator", SigV4.HexSha256(body));
            context.Request.Body = new MemoryStream(body, writable: false);
            refusal = access.IsAdministrator(auth.AccessKey) ? null : "The emulator's own endpoints are an administrator's (a key of Emulator:Credentials); this key is a principal's.";
        }
        catch (AuthFailure failure)
        {
            refusal = "The emulator's own endpoints need a request signed with an administrator's key (AWS Signature Version 4): " + failure.Message;
        }
        catch (AwsException e)
        {
            await Refuse(context, e.StatusCode, e.Message);
            return false;
        }
        if (refusal is null) return true;
        await Refuse(context, StatusCodes.Status403Forbidden, refusal);
        return false;
    }

    private static async Task Refuse(HttpContext context, int status, string reason)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = reason }, WireJson.Default.DictionaryStringString));
    }
}
