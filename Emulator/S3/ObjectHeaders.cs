using System.Text;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.S3;

/// <summary>The headers S3 stores with an object (user metadata and the standard representation headers) and replays
/// on GET and HEAD.</summary>
internal static class ObjectHeaders
{
    public const string DefaultContentType = "binary/octet-stream";
    private const string MetadataPrefix = "x-amz-meta-";
    private const int MaxMetadataBytes = 2048;

    private static readonly string[] s_stored = ["Content-Encoding", "Content-Disposition", "Content-Language", "Cache-Control", "Expires"];

    public static (string ContentType, Dictionary<string, string> Metadata, Dictionary<string, string> Headers) FromRequest(HttpRequest request)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var size = 0;
        foreach (var (name, values) in request.Headers)
        {
            if (!name.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase)) continue;
            var key = name[MetadataPrefix.Length..].ToLowerInvariant();
            var value = values.ToString();
            metadata[key] = value;
            size += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value);
        }
        if (size > MaxMetadataBytes) throw S3Errors.MetadataTooLarge(size);

        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in s_stored)
        {
            var value = request.Headers[name].ToString();
            if (name == "Content-Encoding") value = WithoutAwsChunked(value);
            if (value.Length > 0) headers[name] = value;
        }
        var contentType = request.ContentType;
        return (string.IsNullOrEmpty(contentType) ? DefaultContentType : contentType, metadata, headers);
    }

    /// <summary><c>aws-chunked</c> describes the upload, not the object.</summary>
    private static string WithoutAwsChunked(string contentEncoding) =>
        string.Join(',', contentEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(e => !e.Equals("aws-chunked", StringComparison.OrdinalIgnoreCase)));

    public static void Write(HttpResponse response, ObjectRecord record, Protocol.RequestTarget target)
    {
        var headers = response.Headers;
        headers.ETag = "\"" + record.ETag + "\"";
        headers.LastModified = S3Xml.HttpTime(record.LastModified);
        headers.AcceptRanges = "bytes";
        response.ContentType = target.Get("response-content-type") ?? record.ContentType;
        foreach (var (name, value) in record.Headers) headers[name] = value;
        foreach (var (name, value) in record.Metadata) headers[MetadataPrefix + name] = value;
        if (record.PartCount > 0) headers["x-amz-mp-parts-count"] = record.PartCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Presigned GETs may override representation headers.
        foreach (var (parameter, header) in new[]
                 {
                     ("response-content-disposition", "Content-Disposition"), ("response-content-encoding", "Content-Encoding"),
                     ("response-content-language", "Content-Language"), ("response-cache-control", "Cache-Control"), ("response-expires", "Expires"),
                 })
        {
            if (target.Get(parameter) is { } value) headers[header] = value;
        }
    }
}
