using System.Globalization;
using System.Text;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Protocol;

namespace FaceRecognition.Emulator.Auth;

/// <summary>
/// Verifies AWS Signature Version 4 in both forms: the <c>Authorization</c> header and presigned query parameters.
/// Every request must carry one; a failure is an <see cref="AuthFailure"/> and the request changes nothing.
/// </summary>
internal sealed class SigV4Authenticator(CredentialStore credentials, EmulatorOptions settings, TimeProvider clock, ILogger<SigV4Authenticator> logger)
{
    private const string CredentialPrefix = "Credential=";
    private const string SignedHeadersPrefix = "SignedHeaders=";
    private const string SignaturePrefix = "Signature=";
    private const int MaxCachedParses = 1024;

    // Clients repeat the same credential scope and signed-header list on every request: parse each once.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string[]> _signedHeaderLists = new(StringComparer.Ordinal);

    /// <summary>The service named in the credential scope (<c>s3</c>, <c>sqs</c>, …), read without verifying anything;
    /// it tells which protocol to answer in, including for authentication errors.</summary>
    public static string? ScopeService(HttpRequest request, RequestTarget target)
    {
        var credential = target.Get("X-Amz-Credential");
        if (credential is null)
        {
            var authorization = request.Headers.Authorization.ToString();
            var start = authorization.IndexOf(CredentialPrefix, StringComparison.Ordinal);
            if (start < 0) return null;
            start += CredentialPrefix.Length;
            var end = authorization.IndexOf(',', start);
            credential = end < 0 ? authorization[start..] : authorization[start..end];
        }
        var parts = credential.Trim().Split('/');
        return parts.Length == 5 ? parts[3] : null;
    }

    public static bool IsPresigned(RequestTarget target) => target.Has("X-Amz-Signature");

    /// <summary>Verifies the request. <paramref name="payloadHash"/> is what the canonical request declares for the body:
    /// the client's <c>x-amz-content-sha256</c> for S3, the body's own hash for SQS.</summary>
    public AuthContext Authenticate(HttpRequest request, RequestTarget target, string service, string payloadHash)
    {
        return IsPresigned(target)
            ? AuthenticatePresigned(request, target, service)
            : AuthenticateHeader(request, target, service, payloadHash);
    }

    private AuthContext AuthenticateHeader(HttpRequest request, RequestTarget target, string service, string payloadHash)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            throw new AuthFailure(AuthFailureKind.Missing, "The request is not signed: it needs an AWS Signature Version 4 Authorization header or presigned query parameters.");
        }
        if (!authorization.StartsWith(SigV4.Algorithm + " ", StringComparison.Ordinal))
        {
            throw new AuthFailure(AuthFailureKind.Malformed, $"Only {SigV4.Algorithm} is supported; the Authorization header uses another scheme.");
        }

        string? credential = null, signedHeaders = null, signature = null;
        foreach (var rawPart in authorization[(SigV4.Algorithm.Length + 1)..].Split(','))
        {
            var part = rawPart.Trim();
            if (part.StartsWith(CredentialPrefix, StringComparison.Ordinal)) credential = part[CredentialPrefix.Length..];
            else if (part.StartsWith(SignedHeadersPrefix, StringComparison.Ordinal)) signedHeaders = part[SignedHeadersPrefix.Length..];
            else if (part.StartsWith(SignaturePrefix, StringComparison.Ordinal)) signature = part[SignaturePrefix.Length..];
        }
        if (credential is null || signedHeaders is null || signature is null)
        {
            throw new AuthFailure(AuthFailureKind.Malformed, "The Authorization header must name Credential, SignedHeaders and Signature.");
        }

        var timestamp = request.Headers["x-amz-date"].ToString();
        if (timestamp.Length == 0)
        {
            throw new AuthFailure(AuthFailureKind.Malformed, "The request must carry an X-Amz-Date header.");
        }
        var time = ParseTimestamp(timestamp);
        var skew = (clock.GetUtcNow() - time).Duration();
        if (skew > settings.MaxClockSkew)
        {
            throw new AuthFailure(AuthFailureKind.ClockSkew,
                $"The difference between the request time ({time:O}) and the server time ({clock.GetUtcNow():O}) is too large.");
        }

        var scope = ParseScope(credential, timestamp, service);
        var headerNames = ParseSignedHeaders(signedHeaders);
        var signingKey = credentials.SigningKey(scope.AccessKey, scope.Date, scope.Region, service)
            ?? throw new AuthFailure(AuthFailureKind.UnknownAccessKey, $"The access key id '{scope.AccessKey}' is not one this emulator accepts.");

        VerifySignature(request, target, service, headerNames, signedHeaders, payloadHash, timestamp, scope.Text, signingKey, signature, excludeFromQuery: null);
        return new AuthContext(scope.AccessKey, signingKey, timestamp, scope.Text, signature, service, Presigned: false);
    }

    private AuthContext AuthenticatePresigned(HttpRequest request, RequestTarget target, string service)
    {
        var algorithm = target.Get("X-Amz-Algorithm");
        var credential = target.Get("X-Amz-Credential");
        var timestamp = target.Get("X-Amz-Date");
        var expiresText = target.Get("X-Amz-Expires");
        var signedHeaders = target.Get("X-Amz-SignedHeaders");
        var signature = target.Get("X-Amz-Signature")!;
        if (algorithm != SigV4.Algorithm)
        {
            throw new AuthFailure(AuthFailureKind.Malformed, $"X-Amz-Algorithm must be {SigV4.Algorithm}.");
        }
        if (credential is null || timestamp is null || expiresText is null || signedHeaders is null)
        {
            throw new AuthFailure(AuthFailureKind.Malformed,
                "A presigned URL must carry X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature.");
        }
        if (!int.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || expires < 1 || expires > 604800)
        {
            throw new AuthFailure(AuthFailureKind.Malformed, "X-Amz-Expires must be a number of seconds from 1 to 604800.");
        }
        var time = ParseTimestamp(timestamp);
        var now = clock.GetUtcNow();
        if (time - now > settings.MaxClockSkew)
        {
            throw new AuthFailure(AuthFailureKind.ClockSkew, "The presigned URL is not valid yet: its X-Amz-Date is in the future.");
        }
        if (now > time.AddSeconds(expires))
        {
            throw new AuthFailure(AuthFailureKind.Expired, $"The presigned URL expired at {time.AddSeconds(expires):O}.");
        }

        var scope = ParseScope(credential, timestamp, service);
        var headerNames = ParseSignedHeaders(signedHeaders);
        var signingKey = credentials.SigningKey(scope.AccessKey, scope.Date, scope.Region, service)
            ?? throw new AuthFailure(AuthFailureKind.UnknownAccessKey, $"The access key id '{scope.AccessKey}' is not one this emulator accepts.");

        var payloadHash = target.Get("X-Amz-Content-Sha256") ?? SigV4.UnsignedPayload;
        VerifySignature(request, target, service, headerNames, signedHeaders, payloadHash, timestamp, scope.Text, signingKey, signature, excludeFromQuery: "X-Amz-Signature");
        return new AuthContext(scope.AccessKey, signingKey, timestamp, scope.Text, signature, service, Presigned: true);
    }

    private void VerifySignature(
        HttpRequest request, RequestTarget target, string service, string[] headerNames, string signedHeaders,
        string payloadHash, string timestamp, string scope, byte[] signingKey, string signature, string? excludeFromQuery)
    {
        var canonicalQuery = CanonicalQuery(target, excludeFromQuery);
        var canonicalHeaders = CanonicalHeaders(request, headerNames);

        // S3 signs the path encoded once, every other service encodes it twice. Clients disagree on a few
        // characters, so the path exactly as sent is the second candidate.
        var normalizedPath = service == "s3"
            ? SigV4.UriEncode(target.Path, keepSlash: true)
            : SigV4.UriEncode(SigV4.UriEncode(target.Path, keepSlash: true), keepSlash: true);
        foreach (var path in normalizedPath == target.RawPath ? [normalizedPath] : new[] { normalizedPath, target.RawPath })
        {
            var canonicalRequest = $"{request.Method}\n{path}\n{canonicalQuery}\n{canonicalHeaders}\n{signedHeaders}\n{payloadHash}";
            var stringToSign = SigV4.StringToSign(timestamp, scope, canonicalRequest);
            if (SigV4.Verify(signingKey, stringToSign, signature)) return;
            logger.LogDebug("Signature mismatch. Canonical request:\n{CanonicalRequest}", canonicalRequest);
        }
        throw new AuthFailure(AuthFailureKind.SignatureMismatch,
            "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
    }

    private static string CanonicalQuery(RequestTarget target, string? exclude)
    {
        if (target.Query.Count == 0) return "";
        var encoded = new List<(string Name, string Value)>(target.Query.Count);
        foreach (var parameter in target.Query)
        {
            if (parameter.Name == exclude) continue;
            encoded.Add((SigV4.UriEncode(parameter.Name, keepSlash: false), SigV4.UriEncode(parameter.Value, keepSlash: false)));
        }
        encoded.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', encoded.Select(p => p.Name + "=" + p.Value));
    }

    private static string CanonicalHeaders(HttpRequest request, string[] names)
    {
        var builder = new StringBuilder();
        foreach (var name in names)
        {
            var values = request.Headers[name];
            if (values.Count == 0)
            {
                throw new AuthFailure(AuthFailureKind.SignatureMismatch, $"The signed header '{name}' is not in the request.");
            }
            builder.Append(name).Append(':');
            for (var i = 0; i < values.Count; i++)
            {
                if (i > 0) builder.Append(',');
                AppendTrimmedCollapsed(builder, values[i] ?? "");
            }
            builder.Append('\n');
        }
        return builder.ToString();
    }

    private static void AppendTrimmedCollapsed(StringBuilder builder, string value)
    {
        var span = value.AsSpan().Trim();
        var previousWasSpace = false;
        foreach (var c in span)
        {
            if (c == ' ')
            {
                if (!previousWasSpace) builder.Append(' ');
                previousWasSpace = true;
            }
            else
            {
                builder.Append(c);
                previousWasSpace = false;
            }
        }
    }

    private string[] ParseSignedHeaders(string signedHeaders)
    {
        if (_signedHeaderLists.TryGetValue(signedHeaders, out var cached)) return cached;
        var names = Parse(signedHeaders);
        if (_signedHeaderLists.Count >= MaxCachedParses) _signedHeaderLists.Clear();
        _signedHeaderLists[signedHeaders] = names;
        return names;
    }

    private static string[] Parse(string signedHeaders)
    {
        var names = signedHeaders.Split(';');
        if (names.Length == 0 || names.Any(n => n.Length == 0 || n != n.ToLowerInvariant()))
        {
            throw new AuthFailure(AuthFailureKind.Malformed, "SignedHeaders must be a ';'-separated list of lower-case header names.");
        }
        if (!names.Contains("host"))
        {
            throw new AuthFailure(AuthFailureKind.Malformed, "SignedHeaders must include host.");
        }
        return names;
    }

    private readonly record struct Scope(string AccessKey, string Date, string Region, string Text);

    private Scope ParseScope(string credential, string timestamp, string service)
    {
        var parts = credential.Split('/');
        if (parts.Length != 5 || parts[4] != "aws4_request" || parts[0].Length == 0)
        {
            throw new AuthFailure(AuthFailureKind.Malformed, "The credential must be <access key>/<yyyyMMdd>/<region>/<service>/aws4_request.");
        }
        if (parts[1] != timestamp[..8])
        {
            throw new AuthFailure(AuthFailureKind.Malformed, $"The credential date '{parts[1]}' does not match the request date '{timestamp[..8]}'.");
        }
        if (parts[2] != settings.Region)
        {
            throw new AuthFailure(AuthFailureKind.Malformed, $"The region '{parts[2]}' is wrong; expecting '{settings.Region}'.");
        }
        if (parts[3] != service)
        {
            throw new AuthFailure(AuthFailureKind.Malformed, $"The credential is scoped to '{parts[3]}', but the request is for '{service}'.");
        }
        if (!credentials.IsKnown(parts[0]))
        {
            throw new AuthFailure(AuthFailureKind.UnknownAccessKey, $"The access key id '{parts[0]}' is not one this emulator accepts.");
        }
        return new Scope(parts[0], parts[1], parts[2], string.Join('/', parts[1..]));
    }

    private static DateTimeOffset ParseTimestamp(string timestamp)
    {
        if (!DateTimeOffset.TryParseExact(timestamp, SigV4.TimestampFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            throw new AuthFailure(AuthFailureKind.Malformed, $"'{timestamp}' is not a timestamp of the form yyyyMMddTHHmmssZ.");
        }
        return time;
    }
}
