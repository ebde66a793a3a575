using System.Globalization;
using FaceRecognition.Emulator.Auth;
using FaceRecognition.Emulator.CloudWatch;
using FaceRecognition.Emulator.Ec2;
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
    CloudWatchEndpoint cloudWatch)
{
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
            await ec2.HandleAdminAsync(context, rawTarget);
            return;
        }
        if (rawTarget.StartsWith(LambdaAdmin.Path, StringComparison.Ordinal))
        {
            await lambdaAdmin.HandleAsync(context, rawTarget);
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
}
