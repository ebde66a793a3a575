using System.Buffers;
using FaceRecognition.Identities;

namespace FaceRecognition.WebTier;

/// <summary>What an upload must be: a picture by its bytes (not its name), under a safe file name.</summary>
internal static class PictureUpload
{
    /// <summary>The picture format by its first bytes (JPEG, PNG, WebP, BMP), as a file extension; null when it is none of them.</summary>
    public static string? SniffExtension(ReadOnlySpan<byte> head) => head switch
    {
        [0xFF, 0xD8, 0xFF, ..] => ".jpg",
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => ".png",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => ".webp",
        [(byte)'B', (byte)'M', ..] when head.Length >= 26 => ".bmp",
        _ => null,
    };

    /// <summary>The file stem of an uploaded file name, or the reason it is refused (paths, odd characters, length).</summary>
    public static bool TryGetStem(string? fileName, out string stem, out string problem)
    {
        stem = "";
        if (string.IsNullOrWhiteSpace(fileName))
        {
            problem = "The file has no name; send it as 'name.jpg'.";
            return false;
        }
        if (fileName.AsSpan().IndexOfAny('/', '\\') >= 0 || fileName.AsSpan().ContainsAny(s_controls))
        {
            problem = $"The file name '{Printable(fileName)}' contains a path or control characters.";
            return false;
        }
        var candidate = Path.GetFileNameWithoutExtension(fileName);
        if (!IsValidStem(candidate))
        {
            problem = $"The file name '{Printable(fileName)}' is not allowed: its stem must be 1 to {IdentityName.MaxLength} letters, digits, '_', '-' or '.'.";
            return false;
        }
        stem = candidate;
        problem = "";
        return true;
    }

    /// <summary>File stems follow the same rule as identity names (the output bucket's keys are stems).</summary>
    public static bool IsValidStem(string stem) => IdentityName.IsValid(stem);

    private static readonly SearchValues<char> s_controls = SearchValues.Create([.. Enumerable.Range(0, 32).Select(i => (char)i), (char)127]);

    private static string Printable(string text) => new([.. text.Take(80).Select(c => char.IsControl(c) ? '?' : c)]);
}
