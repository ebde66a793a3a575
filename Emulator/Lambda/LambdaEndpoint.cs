using System.Text.Json;
using FaceRecognition.Emulator.Auth;
using FaceRecognition.Emulator.Iam;
using FaceRecognition.Emulator.Protocol;

namespace FaceRecognition.Emulator.Lambda;

/// <summary>
/// Lambda's request pipeline (REST-JSON): read the body (bounded; it is part of the signature) -> authenticate
/// (SigV4, service <c>lambda</c>) -> route by method and path to the handler of the resource group (functions,
/// invocations, event source mappings) -> answer, or Lambda's error: status, <c>x-amzn-ErrorType</c> and a JSON body.
/// </summary>
internal sealed class LambdaEndpoint(
    FunctionHandler functions,
    PermissionHandler permissions,
    InvocationHandler invocations,
    EventSourceMappingHandler mappings,
    SigV4Authenticator authenticator,
    AccessControl access,
    LambdaNames names,
    ILogger<LambdaEndpoint> logger)
{
    /// <summary>The largest request Lambda takes (CreateFunction with a 50 MB zip, base64 in JSON).</summary>
    public const int MaxRequestBytes = 70_167_211;

    public static bool Claims(string? scopeService) => scopeService == "lambda";

    public async Task HandleAsync(HttpContext http, RequestTarget target, string requestId)
    {
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        try
        {
            var body = await RequestBody.ReadAllAsync(http.Request, MaxRequestBytes,
                () => LambdaErrors.RequestTooLarge(OperationName(http.Request.Method, target), MaxRequestBytes), http.RequestAborted);
            var auth = authenticator.Authenticate(http.Request, target, "lambda", SigV4.HexSha256(body));
            await Dispatch(new LambdaCall(http, target, body, requestId, auth));
        }
        catch (AuthFailure failure)
        {
            await WriteError(http, ToError(failure));
        }
        catch (AccessDenied denied)
        {
            await WriteError(http, new AwsException(403, "AccessDeniedException", denied.Message));
        }
        catch (AwsException error)
        {
            await WriteError(http, error);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away (a synchronous invocation it stopped waiting for still runs to its end).
        }
        catch (Exception e)
        {
            logger.LogError(e, "Lambda request {RequestId} {Method} {Path} failed", requestId, http.Request.Method, target.Path);
            await WriteError(http, new AwsException(500, "ServiceException", "The AWS Lambda service encountered an internal error."));
        }
    }

    private async Task Dispatch(LambdaCall call)
    {
        var (action, function, run) = Route(call);
        if (!access.IsAdministrator(call.Auth.AccessKey))
        {
            access.Authorize(call.Auth.AccessKey, "lambda:" + action,
                function is null ? "*" : function.StartsWith("arn:", StringComparison.Ordinal) ? function : names.FunctionArn(function));
        }
        await run();
    }

    /// <summary>The operation's handler, with its IAM action and the function it is about.</summary>
    private (string Action, string? Function, Func<Task> Run) Route(LambdaCall call) => (call.Http.Request.Method, Segments(call.Target)) switch
    {
        ("POST", ["2015-03-31", "functions"]) => ("CreateFunction", null, () => functions.CreateFunction(call)),
        ("GET", ["2015-03-31", "functions"]) => ("ListFunctions", null, () => functions.ListFunctions(call)),
        ("GET", ["2015-03-31", "functions", var name]) => ("GetFunction", name, () => functions.GetFunction(call, name)),
        ("DELETE", ["2015-03-31", "functions", var name]) => ("DeleteFunction", name, () => functions.DeleteFunction(call, name)),
        ("GET", ["2015-03-31", "functions", var name, "configuration"]) => ("GetFunctionConfiguration", name, () => functions.GetFunctionConfiguration(call, name)),
        ("PUT", ["2015-03-31", "functions", var name, "configuration"]) => ("UpdateFunctionConfiguration", name, () => functions.UpdateFunctionConfiguration(call, name)),
        ("PUT", ["2015-03-31", "functions", var name, "code"]) => ("UpdateFunctionCode", name, () => functions.UpdateFunctionCode(call, name)),
        ("POST", ["2015-03-31", "functions", var name, "invocations"]) => ("InvokeFunction", name, () => invocations.Invoke(call, name)),
        ("POST", ["2015-03-31", "functions", var name, "policy"]) => ("AddPermission", name, () => permissions.AddPermission(call, name)),
        ("GET", ["2015-03-31", "functions", var name, "policy"]) => ("GetPolicy", name, () => permissions.GetPolicy(call, name)),
        ("DELETE", ["2015-03-31", "functions", var name, "policy", var statementId]) => ("RemovePermission", name, () => permissions.RemovePermission(call, name, statementId)),
        ("PUT", ["2017-10-31", "functions", var name, "concurrency"]) => ("PutFunctionConcurrency", name, () => functions.PutFunctionConcurrency(call, name)),
        ("DELETE", ["2017-10-31", "functions", var name, "concurrency"]) => ("DeleteFunctionConcurrency", name, () => functions.DeleteFunctionConcurrency(call, name)),
        ("GET", ["2019-09-30", "functions", var name, "concurrency"]) => ("GetFunctionConcurrency", name, () => functions.GetFunctionConcurrency(call, name)),
        ("PUT" or "POST", ["2019-09-25", "functions", var name, "event-invoke-config"]) => ("PutFunctionEventInvokeConfig", name, () => functions.PutFunctionEventInvokeConfig(call, name)),
        ("GET", ["2019-09-25", "functions", var name, "event-invoke-config"]) => ("GetFunctionEventInvokeConfig", name, () => functions.GetFunctionEventInvokeConfig(call, name)),
        ("DELETE", ["2019-09-25", "functions", var name, "event-invoke-config"]) => ("DeleteFunctionEventInvokeConfig", name, () => functions.DeleteFunctionEventInvokeConfig(call, name)),
        ("GET", ["2017-03-31", "tags", var arn]) => ("ListTags", null, () => functions.ListTags(call, arn)),
        ("POST", ["2017-03-31", "tags", var arn]) => ("TagResource", null, () => functions.TagResource(call, arn)),
        ("DELETE", ["2017-03-31", "tags", var arn]) => ("UntagResource", null, () => functions.UntagResource(call, arn)),
        ("GET", ["2016-08-19", "account-settings"]) => ("GetAccountSettings", null, () => functions.GetAccountSettings(call)),
        ("POST", ["2015-03-31", "event-source-mappings"]) => ("CreateEventSourceMapping", null, () => mappings.CreateEventSourceMapping(call)),
        ("GET", ["2015-03-31", "event-source-mappings"]) => ("ListEventSourceMappings", null, () => mappings.ListEventSourceMappings(call)),
        ("GET", ["2015-03-31", "event-source-mappings", var uuid]) => ("GetEventSourceMapping", null, () => mappings.GetEventSourceMapping(call, uuid)),
        ("PUT", ["2015-03-31", "event-source-mappings", var uuid]) => ("UpdateEventSourceMapping", null, () => mappings.UpdateEventSourceMapping(call, uuid)),
        ("DELETE", ["2015-03-31", "event-source-mappings", var uuid]) => ("DeleteEventSourceMapping", null, () => mappings.DeleteEventSourceMapping(call, uuid)),
        _ => throw LambdaErrors.UnknownOperation(call.Http.Request.Method, call.Target.Path),
    };

    /// <summary>The decoded path's segments (a function ARN in a path arrives percent-encoded).</summary>
    private static string[] Segments(RequestTarget target) => target.Path.Trim('/').Split('/');

    private static string OperationName(string method, RequestTarget target) => (method, Segments(target)) switch
    {
        ("POST", [_, "functions"]) => "CreateFunction",
        ("PUT", [_, "functions", _, "code"]) => "UpdateFunctionCode",
        ("POST", [_, "functions", _, "invocations"]) => "Invoke",
        _ => "request",
    };

    private static AwsException ToError(AuthFailure failure) => failure.Kind switch
    {
        AuthFailureKind.Missing => new AwsException(403, "MissingAuthenticationTokenException", failure.Message),
        AuthFailureKind.UnknownAccessKey => new AwsException(403, "UnrecognizedClientException", "The security token included in the request is invalid."),
        AuthFailureKind.Expired or AuthFailureKind.ClockSkew => new AwsException(403, "InvalidSignatureException", "Signature expired: " + failure.Message),
        AuthFailureKind.Malformed => new AwsException(400, "IncompleteSignatureException", failure.Message),
        _ => new AwsException(403, "InvalidSignatureException", failure.Message),
    };

    private static async Task WriteError(HttpContext http, AwsException error)
    {
        if (http.Response.HasStarted)
        {
            http.Abort();
            return;
        }
        var requestId = http.Response.Headers["x-amzn-RequestId"].ToString();
        http.Response.Clear();
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        http.Response.Headers["x-amzn-ErrorType"] = error.Code;
        if (error.StatusCode == 429) http.Response.Headers.RetryAfter = "1";
        var body = JsonSerializer.SerializeToUtf8Bytes(new LambdaErrorBody(error.IsSenderFault ? "User" : "Service", error.Message, error.Reason),
            LambdaJson.Default.LambdaErrorBody);
        http.Response.StatusCode = error.StatusCode;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body);
    }
}
