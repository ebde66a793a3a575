using System.Text;
using System.Text.Json;
using FaceRecognition.Emulator.Auth;
using FaceRecognition.Emulator.Iam;
using FaceRecognition.Emulator.Protocol;
using Microsoft.AspNetCore.WebUtilities;

namespace FaceRecognition.Emulator.CloudWatch;

/// <summary>
/// CloudWatch's request pipeline, in whichever protocol the client speaks (current botocore and the AWS CLI: smithy
/// RPC v2 CBOR; other SDKs: AWS JSON 1.0; older clients: the query protocol): read the body (bounded) -> authenticate
/// (service <c>monitoring</c>) -> the operation on a protocol-neutral <see cref="WireValue"/> -> answer or error in the
/// same protocol.
/// </summary>
internal sealed class CloudWatchEndpoint(MetricHandler metrics, SigV4Authenticator authenticator, AccessControl access, ILogger<CloudWatchEndpoint> logger)
{
    private const string TargetPrefix = "GraniteServiceVersion20100801";
    private const int MaxBodyBytes = 1024 * 1024;

    private enum Protocol { Cbor, Json, Query }

    public static bool Claims(string? scopeService) => scopeService == "monitoring";

    public async Task HandleAsync(HttpContext http, RequestTarget target, string requestId)
    {
        var request = http.Request;
        var protocol = request.Headers["smithy-protocol"].ToString() == "rpc-v2-cbor" || target.Path.StartsWith("/service/", StringComparison.Ordinal) ? Protocol.Cbor
            : request.Headers["X-Amz-Target"].ToString().StartsWith(TargetPrefix + ".", StringComparison.Ordinal) ? Protocol.Json
            : Protocol.Query;
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        try
        {
            var body = await RequestBody.ReadAllAsync(request, MaxBodyBytes, () => CloudWatchErrors.InvalidParameterValue("The request is too large."), http.RequestAborted);
            var auth = authenticator.Authenticate(request, target, "monitoring", SigV4.HexSha256(body));
            var (operation, input) = protocol switch
            {
                Protocol.Cbor => (target.Path[(target.Path.LastIndexOf('/') + 1)..], WireProtocols.ReadCbor(body)),
                Protocol.Json => (request.Headers["X-Amz-Target"].ToString()[(TargetPrefix.Length + 1)..], WireProtocols.ReadJson(body)),
                _ => QueryInput(target, body),
            };
            // CloudWatch's metric actions have no resource-level permissions.
            access.Authorize(auth.AccessKey, "cloudwatch:" + operation, "*");
            var output = metrics.Invoke(operation, input);
            await Write(http, protocol, 200, protocol switch
            {
                Protocol.Cbor => WireProtocols.WriteCbor(output),
                Protocol.Json => WireProtocols.WriteJson(output),
                _ => WireProtocols.WriteXml(operation, output, requestId),
            });
        }
        catch (AuthFailure failure)
        {
            await WriteError(http, protocol, new AwsException(403, failure.Kind == AuthFailureKind.UnknownAccessKey ? "InvalidClientTokenId" : "SignatureDoesNotMatch",
                failure.Message), requestId);
        }
        catch (AccessDenied denied)
        {
            await WriteError(http, protocol, new AwsException(403, "AccessDenied", denied.Message) { QueryCode = "AccessDenied" }, requestId);
        }
        catch (AwsException error)
        {
            await WriteError(http, protocol, error, requestId);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or System.Formats.Cbor.CborContentException)
        {
            await WriteError(http, protocol, CloudWatchErrors.InvalidParameterValue($"The request body could not be read: {e.Message}"), requestId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "CloudWatch request {RequestId} failed", requestId);
            await WriteError(http, protocol, new AwsException(500, "InternalServiceFault", "Internal service error.") { QueryCode = "InternalFailure" }, requestId);
        }
    }

    private static (string Operation, WireValue Input) QueryInput(RequestTarget target, byte[] body)
    {
        var parameters = target.Query.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)).ToList();
        var reader = new FormReader(Encoding.UTF8.GetString(body));
        while (reader.ReadNextPair() is { } pair) parameters.Add(new KeyValuePair<string, string>(pair.Key, pair.Value));
        var action = parameters.LastOrDefault(p => p.Key == "Action").Value ?? throw CloudWatchErrors.MissingParameter("Action");
        return (action, WireProtocols.ReadQuery(parameters.Where(p => p.Key is not ("Action" or "Version"))));
    }

    private static Task WriteError(HttpContext http, Protocol protocol, AwsException error, string requestId)
    {
        if (http.Response.HasStarted)
        {
            http.Abort();
            return Task.CompletedTask;
        }
        var code = error.QueryCode ?? error.Code;
        http.Response.Headers["x-amzn-query-error"] = $"{code};{(error.IsSenderFault ? "Sender" : "Receiver")}";
        var document = new WireStructure().Add("__type", new WireString("com.amazonaws.cloudwatch#" + error.Code)).Add("message", new WireString(error.Message));
        return Write(http, protocol, error.StatusCode, protocol switch
        {
            Protocol.Cbor => WireProtocols.WriteCbor(document),
            Protocol.Json => WireProtocols.WriteJson(document),
            _ => Encoding.UTF8.GetBytes(
                $"<ErrorResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><Error><Type>{(error.IsSenderFault ? "Sender" : "Receiver")}</Type><Code>{System.Security.SecurityElement.Escape(code)}</Code><Message>{System.Security.SecurityElement.Escape(error.Message)}</Message></Error><RequestId>{requestId}</RequestId></ErrorResponse>"),
        });
    }

    private static async Task Write(HttpContext http, Protocol protocol, int status, byte[] body)
    {
        http.Response.StatusCode = status;
        if (protocol == Protocol.Cbor) http.Response.Headers["smithy-protocol"] = "rpc-v2-cbor";
        http.Response.ContentType = protocol switch
        {
            Protocol.Cbor => "application/cbor",
            Protocol.Json => "application/x-amz-json-1.0",
            _ => "text/xml",
        };
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }
}
