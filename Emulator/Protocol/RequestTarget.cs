using System.Text;

namespace FaceRecognition.Emulator.Protocol;

/// <summary>One query parameter, percent-decoded. <see cref="Value"/> is empty for a bare name such as <c>?uploads</c>.</summary>
internal readonly record struct QueryParameter(string Name, string Value);

/// <summary>
/// The request target exactly as the client sent it (Kestrel's decoded <c>Path</c> would fold <c>..</c> segments and
/// <c>%2F</c>, and both matter: S3 keys are data, and signatures cover the encoded form).
/// </summary>
internal sealed class RequestTarget
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private RequestTarget(string rawPath, string path, IReadOnlyList<QueryParameter> query)
    {
        RawPath = rawPath;
        Path = path;
        Query = query;
    }

    /// <summary>The path as sent, still percent-encoded.</summary>
    public string RawPath { get; }

    /// <summary>The path percent-decoded (a literal <c>+</c> stays a plus, as AWS clients encode spaces as %20).</summary>
    public string Path { get; }

    public IReadOnlyList<QueryParameter> Query { get; }

    public bool Has(string name)
    {
        foreach (var parameter in Query)
        {
            if (parameter.Name == name) return true;
        }
        return false;
    }

    public string? Get(string name)
    {
        foreach (var parameter in Query)
        {
            if (parameter.Name == name) return parameter.Value;
        }
        return null;
    }

    public static bool TryParse(string rawTarget, out RequestTarget target, out string error)
    {
        target = null!;
        error = "";
        if (rawTarget.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ||
            rawTarget.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var authorityStart = rawTarget.IndexOf("//", StringComparison.Ordinal) + 2;
            var pathStart = rawTarget.IndexOf('/', authorityStart);
            rawTarget = pathStart < 0 ? "/" : rawTarget[pathStart..];
        }
        if (!rawTarget.StartsWith('/'))
        {
            error = "The request target must be an absolute path.";
            return false;
        }
        var questionMark = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = questionMark < 0 ? rawTarget : rawTarget[..questionMark];
        var rawQuery = questionMark < 0 ? "" : rawTarget[(questionMark + 1)..];

        if (!TryDecode(rawPath, out var path))
        {
            error = "The path is not valid percent-encoded UTF-8.";
            return false;
        }
        var query = new List<QueryParameter>();
        foreach (var piece in rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = piece.IndexOf('=', StringComparison.Ordinal);
            var rawName = equals < 0 ? piece : piece[..equals];
            var rawValue = equals < 0 ? "" : piece[(equals + 1)..];
            if (!TryDecode(rawName, out var name) || !TryDecode(rawValue, out var value))
            {
                error = "The query string is not valid percent-encoded UTF-8.";
                return false;
            }
            query.Add(new QueryParameter(name, value));
        }
        target = new RequestTarget(rawPath, path, query);
        return true;
    }

    /// <summary>Strict percent-decoding: a stray <c>%</c> or bytes that are not UTF-8 are refused, not guessed at.</summary>
    public static bool TryDecode(string encoded, out string decoded)
    {
        if (!encoded.Contains('%', StringComparison.Ordinal))
        {
            decoded = encoded;
            return true;
        }
        decoded = "";
        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(encoded.Length)];
        var length = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == '%')
            {
                if (i + 2 >= encoded.Length || !IsHex(encoded[i + 1]) || !IsHex(encoded[i + 2])) return false;
                bytes[length++] = (byte)((HexValue(encoded[i + 1]) << 4) | HexValue(encoded[i + 2]));
                i += 2;
            }
            else
            {
                length += Encoding.UTF8.GetBytes(encoded.AsSpan(i, char.IsHighSurrogate(c) && i + 1 < encoded.Length ? 2 : 1), bytes.AsSpan(length));
                if (char.IsHighSurrogate(c)) i++;
            }
        }
        try
        {
            decoded = s_strictUtf8.GetString(bytes, 0, length);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
