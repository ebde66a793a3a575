using System.Security.Cryptography;
using System.Text;

namespace FaceRecognition.Identities;

/// <summary>One enrolled face: its id (16 hex digits), when it was enrolled, and the name of the picture it came from
/// (empty when unknown).</summary>
public sealed record EnrolledFace(string Id, DateTimeOffset EnrolledAt, string Source)
{
    public const int MaxSourceBytes = 255;

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>Whether <paramref name="id"/> has the shape of a face id (a request's path may hold anything).</summary>
    public static bool IsValidId(string? id) => id is { Length: 16 } && id.All(char.IsAsciiHexDigitLower);

    /// <summary>A picture's name as the gallery keeps it: no control characters, at most 255 bytes of UTF-8.</summary>
    public static string CleanSource(string source)
    {
        var clean = new string([.. source.Where(c => !char.IsControl(c))]);
        while (Encoding.UTF8.GetByteCount(clean) > MaxSourceBytes)
        {
            clean = clean[..^(clean.Length > 1 && char.IsLowSurrogate(clean[^1]) ? 2 : 1)];
        }
        return clean;
    }
}
