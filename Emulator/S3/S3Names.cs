using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace FaceRecognition.Emulator.S3;

/// <summary>AWS's rules for bucket names and object keys.</summary>
internal static partial class S3Names
{
    public const int MaxKeyBytes = 1024;

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketPattern();

    private static readonly string[] s_reservedPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"];
    private static readonly string[] s_reservedSuffixes = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

    public static void ValidateBucket(string name)
    {
        if (name.Length is < 3 or > 63) throw S3Errors.InvalidBucketName(name, "a bucket name has 3 to 63 characters.");
        if (!BucketPattern().IsMatch(name))
        {
            throw S3Errors.InvalidBucketName(name, "use lower-case letters, digits, '.' and '-', starting and ending with a letter or digit.");
        }
        if (name.Contains("..", StringComparison.Ordinal)) throw S3Errors.InvalidBucketName(name, "a bucket name cannot contain two adjacent periods.");
        if (IPAddress.TryParse(name, out _) && name.Count(c => c == '.') == 3) throw S3Errors.InvalidBucketName(name, "a bucket name cannot look like an IP address.");
        if (s_reservedPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)) || s_reservedSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal)))
        {
            throw S3Errors.InvalidBucketName(name, "the name uses a prefix or suffix AWS reserves.");
        }
    }

    /// <summary>A key is any UTF-8 text of 1 to 1024 bytes that XML can carry (listings are XML). It is data: a key like
    /// <c>../../x</c> is valid and stays a key.</summary>
    public static void ValidateKey(string key)
    {
        if (key.Length == 0) throw S3Errors.InvalidArgument("An object key must not be empty.");
        var bytes = Encoding.UTF8.GetByteCount(key);
        if (bytes > MaxKeyBytes) throw S3Errors.KeyTooLong(bytes);
        foreach (var c in key)
        {
            if ((c < 0x20 && c is not ('\t' or '\n' or '\r')) || c is '\uFFFE' or '\uFFFF')
            {
                throw S3Errors.InvalidArgument($"Object key contains the character U+{(int)c:X4}, which this emulator cannot list (XML 1.0 cannot carry it).");
            }
        }
    }
}
