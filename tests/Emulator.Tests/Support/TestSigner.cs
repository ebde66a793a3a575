using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FaceRecognition.Emulator.Tests.Support;

/// <summary>
/// A small SigV4 signer written from AWS's specification, for requests the SDK cannot be made to send over plain HTTP
/// (unsigned aws-chunked trailers, skewed clocks, hostile bodies). Independent of the emulator's verifier on purpose.
/// </summary>
public sealed class TestSigner(string accessKey, string secretKey, string region = "us-east-1")
{
    public HttpRequestMessage Sign(HttpMethod method, Uri uri, string service, string payloadHash, byte[]? body = null,
        IDictionary<string, string>? headers = null, DateTimeOffset? time = null)
    {
        var now = time ?? DateTimeOffset.UtcNow;
        var timestamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = timestamp[..8];
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}",
            ["x-amz-date"] = timestamp,
            ["x-amz-content-sha256"] = payloadHash,
        };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) all[name.ToLowerInvariant()] = value;
        var signedHeaders = string.Join(';', all.Keys);
        var canonicalHeaders = string.Concat(all.Select(h => $"{h.Key}:{h.Value.Trim()}\n"));
        var canonicalQuery = string.Join('&', ParseQuery(uri.Query).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        var canonicalRequest = $"{method.Method}\n{uri.AbsolutePath}\n{canonicalQuery}\n{canonicalHeaders}\n{signedHeaders}\n{payloadHash}";
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{timestamp}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var signingKey = SigningKey(date, service);
        var signature = Hex(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));

        var request = new HttpRequestMessage(method, uri);
        if (body is not null) request.Content = new ByteArrayContent(body);
        foreach (var (name, value) in all)
        {
            if (name == "host") continue;
            if (name.StartsWith("content-", StringComparison.Ordinal))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={accessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
        return request;
    }

    public byte[] SigningKey(string date, string service)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, "aws4_request"u8.ToArray());
    }

    /// <summary>A signed request's HTTP/1.1 head as it goes on the wire, for tests that talk to the server over a raw
    /// socket (pipelining, hanging up mid-body); <paramref name="contentLength"/> adds a Content-Length the signature
    /// does not cover.</summary>
    public static byte[] RawHead(HttpRequestMessage request, long? contentLength = null)
    {
        var uri = request.RequestUri!;
        var head = new StringBuilder($"{request.Method} {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\n");
        if (contentLength is { } length) head.Append(CultureInfo.InvariantCulture, $"Content-Length: {length}\r\n");
        foreach (var (name, values) in request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()))
        {
            head.Append(name).Append(": ").Append(string.Join(",", values)).Append("\r\n");
        }
        return Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
    }

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    public static string Sha256Hex(byte[] bytes) => Hex(SHA256.HashData(bytes));

    private static IEnumerable<KeyValuePair<string, string>> ParseQuery(string query) =>
        query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p =>
        {
            var parts = p.Split('=', 2);
            return new KeyValuePair<string, string>(parts[0], parts.Length > 1 ? parts[1] : "");
        });
}
