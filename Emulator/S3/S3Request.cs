using FaceRecognition.Emulator.Auth;
using FaceRecognition.Emulator.Iam;
using FaceRecognition.Emulator.Protocol;

namespace FaceRecognition.Emulator.S3;

internal enum S3Operation
{
    ListBuckets,
    CreateBucket,
    HeadBucket,
    DeleteBucket,
    GetBucketLocation,
    ListObjects,
    ListObjectsV2,
    ListMultipartUploads,
    GetBucketNotification,
    PutBucketNotification,
    DeleteObjects,
    PutObject,
    CopyObject,
    GetObject,
    HeadObject,
    DeleteObject,
    CreateMultipartUpload,
    UploadPart,
    CompleteMultipartUpload,
    AbortMultipartUpload,
    ListParts,
}

/// <summary>One S3 call: the HTTP exchange, what the router made of it, and who signed it.</summary>
internal sealed class S3Request(HttpContext http, RequestTarget target, AuthContext auth, string requestId, S3Route route, AccessControl access)
{
    /// <summary>Whether the caller may do an IAM action on a resource (for checks made item by item, as DeleteObjects').</summary>
    public bool Allows(string action, string resource) => access.Allows(Auth.AccessKey, action, resource);

    public HttpContext Http { get; } = http;
    public HttpRequest Request => Http.Request;
    public HttpResponse Response => Http.Response;
    public RequestTarget Target { get; } = target;
    public AuthContext Auth { get; } = auth;
    public string RequestId { get; } = requestId;
    public S3Operation Operation => route.Operation;
    public CancellationToken Aborted => Http.RequestAborted;

    public string Bucket => route.Bucket ?? throw new InvalidOperationException("This operation has no bucket.");
    public string Key => route.Key ?? throw new InvalidOperationException("This operation has no key.");

    public string? Header(string name)
    {
        var values = Request.Headers[name];
        return values.Count == 0 ? null : values.ToString();
    }

    public string SourceAddress => Http.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1";
}

internal readonly record struct S3Route(S3Operation Operation, string? Bucket, string? Key);

/// <summary>Maps method, path (path-style or <c>&lt;bucket&gt;.localhost</c> virtual-hosted) and sub-resource to an operation.</summary>
internal static class S3Router
{
    private const string VirtualHostSuffix = ".localhost";

    private static readonly string[] s_unsupportedSubresources =
    [
        "acl", "policy", "cors", "lifecycle", "versioning", "tagging", "website", "logging", "encryption", "replication",
        "accelerate", "requestPayment", "object-lock", "retention", "legal-hold", "torrent", "restore", "select", "inventory",
        "analytics", "metrics", "intelligent-tiering", "ownershipControls", "publicAccessBlock", "policyStatus", "versions",
        "attributes", "versionId", "renameObject",
    ];

    public static S3Route Resolve(string method, string? host, RequestTarget target)
    {
        var (bucket, key) = Split(host, target.Path);
        foreach (var name in s_unsupportedSubresources)
        {
            if (target.Has(name)) throw S3Errors.NotImplemented($"The '{name}' sub-resource");
        }

        if (bucket is null)
        {
            return method == "GET" ? new S3Route(S3Operation.ListBuckets, null, null) : throw S3Errors.MethodNotAllowed(method);
        }
        if (key is null)
        {
            S3Operation operation = method switch
            {
                "PUT" when target.Has("notification") => S3Operation.PutBucketNotification,
                "PUT" => S3Operation.CreateBucket,
                "HEAD" => S3Operation.HeadBucket,
                "DELETE" => S3Operation.DeleteBucket,
                "GET" when target.Has("notification") => S3Operation.GetBucketNotification,
                "GET" when target.Has("location") => S3Operation.GetBucketLocation,
                "GET" when target.Has("uploads") => S3Operation.ListMultipartUploads,
                "GET" when target.Get("list-type") == "2" => S3Operation.ListObjectsV2,
                "GET" => S3Operation.ListObjects,
                "POST" when target.Has("delete") => S3Operation.DeleteObjects,
                "POST" => throw S3Errors.NotImplemented("Browser-based POST uploads"),
                _ => throw S3Errors.MethodNotAllowed(method),
            };
            return new S3Route(operation, bucket, null);
        }
        S3Operation objectOperation = method switch
        {
            "PUT" when target.Has("uploadId") && target.Has("partNumber") => S3Operation.UploadPart,
            "PUT" => S3Operation.PutObject,
            "GET" when target.Has("uploadId") => S3Operation.ListParts,
            "GET" => S3Operation.GetObject,
            "HEAD" => S3Operation.HeadObject,
            "DELETE" when target.Has("uploadId") => S3Operation.AbortMultipartUpload,
            "DELETE" => S3Operation.DeleteObject,
            "POST" when target.Has("uploads") => S3Operation.CreateMultipartUpload,
            "POST" when target.Has("uploadId") => S3Operation.CompleteMultipartUpload,
            _ => throw S3Errors.MethodNotAllowed(method),
        };
        return new S3Route(objectOperation, bucket, key);
    }

    /// <summary>Bucket and key from the host and the decoded path. Returns a null key for bucket-level calls.</summary>
    private static (string? Bucket, string? Key) Split(string? host, string path)
    {
        var hostName = HostName(host);
        if (hostName.Length > VirtualHostSuffix.Length && hostName.EndsWith(VirtualHostSuffix, StringComparison.OrdinalIgnoreCase))
        {
            var bucket = hostName[..^VirtualHostSuffix.Length].ToLowerInvariant();
            var key = path.Length > 1 ? path[1..] : null;
            return (bucket, key);
        }
        if (path == "/") return (null, null);
        var rest = path[1..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) return (rest, null);
        var objectKey = rest[(slash + 1)..];
        return (rest[..slash], objectKey.Length == 0 ? null : objectKey);
    }

    private static string HostName(string? host)
    {
        if (string.IsNullOrEmpty(host)) return "";
        if (host.StartsWith('[')) return host; // IPv6 literal: never a virtual host
        var colon = host.LastIndexOf(':');
        return colon < 0 ? host : host[..colon];
    }
}
