using System.Xml;
using FaceRecognition.Emulator.Auth;
using FaceRecognition.Emulator.Iam;
using FaceRecognition.Emulator.Protocol;

namespace FaceRecognition.Emulator.S3;

/// <summary>S3's request pipeline: header limits -> authenticate -> route -> handler -> errors in S3's XML shape.</summary>
internal sealed class S3Endpoint(
    BucketHandler buckets,
    ObjectHandler objects,
    MultipartHandler multipart,
    NotificationHandler notifications,
    SigV4Authenticator authenticator,
    AccessControl access,
    ILogger<S3Endpoint> logger)
{
    private const int MaxHeaderBytes = 8 * 1024;

    public async Task HandleAsync(HttpContext http, RequestTarget target, string requestId)
    {
        http.Response.Headers["x-amz-request-id"] = requestId;
        http.Response.Headers["x-amz-id-2"] = requestId;
        S3Request? request = null;
        try
        {
            CheckHeaderSize(http.Request);
            request = new S3Request(http, target, Authenticate(http.Request, target), requestId,
                S3Router.Resolve(http.Request.Method, http.Request.Host.Value, target), access);
            S3Access.Authorize(access, request);
            await Dispatch(request);
        }
        catch (AccessDenied denied)
        {
            await WriteError(http, new AwsException(403, "AccessDenied", denied.Message), requestId);
        }
        catch (AwsException error) when (error.StatusCode == 404 && request?.Operation is S3Operation.GetObject or S3Operation.HeadObject &&
            error.Code is "NoSuchKey" && !S3Access.MayLearnAbsence(access, request))
        {
            await WriteError(http, new AwsException(403, "AccessDenied", "Access Denied"), requestId);
        }
        catch (AuthFailure failure)
        {
            await WriteError(http, ToError(failure, SigV4Authenticator.IsPresigned(target)), requestId);
        }
        catch (AwsException error)
        {
            await WriteError(http, error, requestId);
        }
        catch (BadHttpRequestException e)
        {
            await WriteError(http, new AwsException(400, "IncompleteBody", $"The request body could not be read: {e.Message}"), requestId);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing was committed for an unfinished upload.
        }
        catch (Exception e)
        {
            logger.LogError(e, "S3 request {RequestId} {Method} failed", requestId, http.Request.Method);
            await WriteError(http, new AwsException(500, "InternalError", "We encountered an internal error. Please try again."), requestId);
        }
    }

    private AuthContext Authenticate(HttpRequest request, RequestTarget target)
    {
        if (SigV4Authenticator.IsPresigned(target)) return authenticator.Authenticate(request, target, "s3", SigV4.UnsignedPayload);
        if (request.Headers.Authorization.Count == 0)
        {
            throw new AuthFailure(AuthFailureKind.Missing, "Access Denied: the request is not signed.");
        }
        var payloadHash = request.Headers["x-amz-content-sha256"].ToString();
        if (payloadHash.Length == 0) throw S3Errors.InvalidRequest("Missing required header for this request: x-amz-content-sha256.");
        return authenticator.Authenticate(request, target, "s3", payloadHash);
    }

    private Task Dispatch(S3Request request) => request.Operation switch
    {
        S3Operation.ListBuckets => buckets.ListBuckets(request),
        S3Operation.CreateBucket => buckets.CreateBucket(request),
        S3Operation.HeadBucket => buckets.HeadBucket(request),
        S3Operation.DeleteBucket => buckets.DeleteBucket(request),
        S3Operation.GetBucketLocation => buckets.GetBucketLocation(request),
        S3Operation.ListObjects => buckets.ListObjects(request),
        S3Operation.ListObjectsV2 => buckets.ListObjectsV2(request),
        S3Operation.ListMultipartUploads => multipart.ListMultipartUploads(request),
        S3Operation.GetBucketNotification => notifications.GetBucketNotification(request),
        S3Operation.PutBucketNotification => notifications.PutBucketNotification(request),
        S3Operation.DeleteObjects => objects.DeleteObjects(request),
        S3Operation.PutObject when request.Header("x-amz-copy-source") is not null => objects.CopyObject(request),
        S3Operation.PutObject => objects.PutObject(request),
        S3Operation.GetObject => objects.GetObject(request),
        S3Operation.HeadObject => objects.HeadObject(request),
        S3Operation.DeleteObject => objects.DeleteObject(request),
        S3Operation.CreateMultipartUpload => multipart.CreateMultipartUpload(request),
        S3Operation.UploadPart => multipart.UploadPart(request),
        S3Operation.CompleteMultipartUpload => multipart.CompleteMultipartUpload(request),
        S3Operation.AbortMultipartUpload => multipart.AbortMultipartUpload(request),
        S3Operation.ListParts => multipart.ListParts(request),
        _ => throw S3Errors.NotImplemented(request.Operation.ToString()),
    };

    private static void CheckHeaderSize(HttpRequest request)
    {
        var size = 0;
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values) size += name.Length + (value?.Length ?? 0) + 4;
        }
        if (size > MaxHeaderBytes) throw S3Errors.HeadersTooLarge(size);
    }

    private static AwsException ToError(AuthFailure failure, bool presigned) => failure.Kind switch
    {
        AuthFailureKind.Missing => new AwsException(403, "AccessDenied", failure.Message),
        AuthFailureKind.Malformed => new AwsException(400, presigned ? "AuthorizationQueryParametersError" : "AuthorizationHeaderMalformed", failure.Message),
        AuthFailureKind.UnknownAccessKey => new AwsException(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."),
        AuthFailureKind.SignatureMismatch => new AwsException(403, "SignatureDoesNotMatch", failure.Message),
        AuthFailureKind.ClockSkew => new AwsException(403, "RequestTimeTooSkewed", failure.Message),
        AuthFailureKind.Expired => new AwsException(403, "AccessDenied", "Request has expired: " + failure.Message),
        _ => new AwsException(403, "AccessDenied", failure.Message),
    };

    private static async Task WriteError(HttpContext http, AwsException error, string requestId)
    {
        if (http.Response.HasStarted)
        {
            // Mid-body: the only honest signal left is to cut the connection.
            http.Abort();
            return;
        }
        var response = http.Response;
        response.Clear();
        response.Headers["x-amz-request-id"] = requestId;
        response.Headers["x-amz-id-2"] = requestId;
        response.StatusCode = error.StatusCode;
        if (HttpMethods.IsHead(http.Request.Method)) return;
        var document = ErrorDocument(error, requestId);
        response.ContentType = "application/xml";
        response.ContentLength = document.Length;
        await response.Body.WriteAsync(document);
    }

    private static byte[] ErrorDocument(AwsException error, string requestId)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false) }))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement("Error");
            writer.WriteElementString("Code", error.Code);
            writer.WriteElementString("Message", error.Message);
            if (error.Resource is not null) writer.WriteElementString("Resource", error.Resource);
            writer.WriteElementString("RequestId", requestId);
            writer.WriteElementString("HostId", requestId);
            writer.WriteEndElement();
        }
        return buffer.ToArray();
    }
}
