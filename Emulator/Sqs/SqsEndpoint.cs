using System.Text;
using System.Text.Json;
using FaceRecognition.Emulator.Auth;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Iam;
using FaceRecognition.Emulator.Protocol;
using Microsoft.AspNetCore.WebUtilities;

namespace FaceRecognition.Emulator.Sqs;

/// <summary>SQS's request pipeline: read the body (bounded) -> authenticate (the body is part of the signature) ->
/// JSON 1.0 or query protocol -> <see cref="SqsApi"/> -> answer or error in the protocol the client spoke.</summary>
internal sealed class SqsEndpoint(SqsApi api, SigV4Authenticator authenticator, AccessControl access, EmulatorOptions options, ILogger<SqsEndpoint> logger)
{
    private const string TargetPrefix = "AmazonSQS.";
    private const string JsonContentType = "application/x-amz-json-1.0";

    /// <summary>Whether a request is for SQS: a JSON target header, a credential scoped to sqs, or a query-protocol Action.</summary>
    public static bool Claims(HttpRequest request, RequestTarget target, string? scopeService) =>
        request.Headers["X-Amz-Target"].ToString().StartsWith(TargetPrefix, StringComparison.Ordinal) ||
        scopeService == "sqs" ||
        (scopeService is null && (target.Has("Action") || request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true));

    public async Task HandleAsync(HttpContext http, RequestTarget target, string requestId)
    {
        var request = http.Request;
        var jsonProtocol = request.Headers["X-Amz-Target"].ToString().StartsWith(TargetPrefix, StringComparison.Ordinal);
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        try
        {
            var body = await RequestBody.ReadAllAsync(request, options.MaxDocumentSize, () => SqsErrors.RequestTooLarge(options.MaxDocumentSize), http.RequestAborted);
            var auth = authenticator.Authenticate(request, target, "sqs", SigV4.HexSha256(body));
            var call = new SqsCall($"{request.Scheme}://{request.Host.Value}", auth.AccessKey, http.RequestAborted);
            if (jsonProtocol)
            {
                var operation = request.Headers["X-Amz-Target"].ToString()[TargetPrefix.Length..];
                SqsAccess.Authorize(access, auth.AccessKey, operation, body, options.Region, options.AccountId);
                var answer = await api.InvokeAsync(operation, call, body);
                await Write(http.Response, 200, JsonContentType, answer);
            }
            else
            {
                var parameters = QueryParameters(target, body);
                var action = parameters.LastOrDefault(p => p.Key == "Action").Value ?? throw SqsErrors.MissingParameter("Action");
                var json = SqsQueryProtocol.ToJson(action, parameters);
                SqsAccess.Authorize(access, auth.AccessKey, action, json, options.Region, options.AccountId);
                var answer = await api.InvokeAsync(action, call, json);
                await Write(http.Response, 200, "text/xml", SqsQueryProtocol.ToXml(action, answer, requestId));
            }
        }
        catch (AccessDenied denied)
        {
            await WriteError(http, jsonProtocol, new AwsException(403, "AccessDenied", denied.Message) { QueryCode = "AccessDenied" }, requestId);
        }
        catch (AuthFailure failure)
        {
            await WriteError(http, jsonProtocol, ToError(failure), requestId);
        }
        catch (AwsException error)
        {
            await WriteError(http, jsonProtocol, error, requestId);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (typically a long poll); any message it was about to get returns after its visibility timeout.
        }
        catch (Exception e)
        {
            logger.LogError(e, "SQS request {RequestId} failed", requestId);
            await WriteError(http, jsonProtocol, new AwsException(500, "InternalError", "The request processing has failed because of an unknown error.") { QueryCode = "InternalError" }, requestId);
        }
    }

    /// <summary>Query-protocol parameters: the form body (where '+' is a space) and any in the URL.</summary>
    private static List<KeyValuePair<string, string>> QueryParameters(RequestTarget target, byte[] body)
    {
        var parameters = target.Query.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)).ToList();
        var reader = new FormReader(Encoding.UTF8.GetString(body));
        while (reader.ReadNextPair() is { } pair) parameters.Add(new KeyValuePair<string, string>(pair.Key, pair.Value));
        return parameters;
    }

    private static AwsException ToError(AuthFailure failure) => failure.Kind switch
    {
        AuthFailureKind.Missing => new AwsException(403, "MissingAuthenticationToken", failure.Message) { QueryCode = "MissingAuthenticationToken" },
        AuthFailureKind.Malformed => new AwsException(400, "IncompleteSignature", failure.Message) { QueryCode = "IncompleteSignature" },
        AuthFailureKind.UnknownAccessKey => new AwsException(403, "InvalidClientTokenId", "The security token included in the request is invalid.") { QueryCode = "InvalidClientTokenId" },
        AuthFailureKind.ClockSkew => new AwsException(403, "SignatureDoesNotMatch", "Signature expired: " + failure.Message) { QueryCode = "SignatureDoesNotMatch" },
        AuthFailureKind.Expired => new AwsException(403, "RequestExpired", failure.Message) { QueryCode = "RequestExpired" },
        _ => new AwsException(403, "SignatureDoesNotMatch", failure.Message) { QueryCode = "SignatureDoesNotMatch" },
    };

    private static async Task WriteError(HttpContext http, bool jsonProtocol, AwsException error, string requestId)
    {
        if (http.Response.HasStarted)
        {
            http.Abort();
            return;
        }
        http.Response.Clear();
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        if (jsonProtocol)
        {
            http.Response.Headers["x-amzn-query-error"] = $"{error.QueryCode ?? error.Code};{(error.IsSenderFault ? "Sender" : "Receiver")}";
            var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
            {
                ["__type"] = "com.amazonaws.sqs#" + error.Code,
                ["message"] = error.Message,
            }, WireJson.Default.DictionaryStringString);
            await Write(http.Response, error.StatusCode, JsonContentType, body);
        }
        else
        {
            await Write(http.Response, error.StatusCode, "text/xml", SqsQueryProtocol.ErrorXml(error, requestId));
        }
    }

    private static async Task Write(HttpResponse response, int status, string contentType, byte[] body)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body);
    }
}
