using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace FaceRecognition.Emulator.Auth;

/// <summary>The pieces of AWS Signature Version 4 that a verifier needs: encoding, hashing, keys, strings to sign.</summary>
internal static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string TimestampFormat = "yyyyMMdd'T'HHmmss'Z'";

    private static readonly SearchValues<char> s_unreserved =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~");

    /// <summary>RFC 3986 encoding as SigV4 defines it: every byte but the unreserved set as %XX, upper-case hex.</summary>
    public static string UriEncode(string value, bool keepSlash)
    {
        if (!value.AsSpan().ContainsAnyExcept(s_unreserved)) return value;
        var builder = new StringBuilder(value.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (s_unreserved.Contains(c) || (keepSlash && c == '/'))
            {
                builder.Append(c);
                continue;
            }
            var length = char.IsHighSurrogate(c) && i + 1 < value.Length
                ? Encoding.UTF8.GetBytes(value.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(value.AsSpan(i, 1), utf8);
            for (var b = 0; b < length; b++)
            {
                builder.Append('%').Append(HexUpper[utf8[b] >> 4]).Append(HexUpper[utf8[b] & 0xF]);
            }
        }
        return builder.ToString();
    }

    private const string HexUpper = "0123456789ABCDEF";

    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Hex SHA-256 of a string's UTF-8, without allocating the bytes (strings to sign are built per request).</summary>
    public static string HexSha256(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, rented);
            SHA256.HashData(rented.AsSpan(0, length), hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
        return Convert.ToHexStringLower(hash);
    }

    public static byte[] Hmac(ReadOnlySpan<byte> key, string data)
    {
        var mac = new byte[32];
        var maxBytes = Encoding.UTF8.GetMaxByteCount(data.Length);
        var rented = ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            var length = Encoding.UTF8.GetBytes(data, rented);
            HMACSHA256.HashData(key, rented.AsSpan(0, length), mac);
            return mac;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static byte[] DeriveSigningKey(string secretKey, string date, string region, string service)
    {
        var kDate = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date);
        var kRegion = Hmac(kDate, region);
        var kService = Hmac(kRegion, service);
        return Hmac(kService, "aws4_request");
    }

    public static string StringToSign(string timestamp, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{timestamp}\n{scope}\n{HexSha256(canonicalRequest)}";

    /// <summary>Whether <paramref name="claimedHex"/> is the signature of <paramref name="stringToSign"/> (constant time).</summary>
    public static bool Verify(byte[] signingKey, string stringToSign, string claimedHex)
    {
        Span<byte> signature = stackalloc byte[32];
        return Verify(signingKey, Encoding.UTF8.GetBytes(stringToSign), claimedHex, signature);
    }

    /// <summary>Whether <paramref name="claimedHex"/> is the signature of <paramref name="stringToSign"/> (constant time).
    /// The computed signature is written to <paramref name="signature"/> (32 bytes) for chaining.</summary>
    public static bool Verify(byte[] signingKey, ReadOnlySpan<byte> stringToSign, string claimedHex, Span<byte> signature)
    {
        HMACSHA256.HashData(signingKey, stringToSign, signature);
        Span<byte> claimed = stackalloc byte[32];
        return claimedHex.Length == 64 &&
            Convert.FromHexString(claimedHex, claimed, out _, out var written) == OperationStatus.Done && written == 32 &&
            CryptographicOperations.FixedTimeEquals(signature, claimed);
    }
}
