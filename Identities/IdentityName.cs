using System.Buffers;

namespace FaceRecognition.Identities;

/// <summary>The names the system accepts for people and file stems: letters, digits, '_', '-', '.', 1 to 128 characters.</summary>
public static class IdentityName
{
    public const int MaxLength = 128;

    /// <summary>The answer for a face that matches nobody enrolled, or for a picture without a face.</summary>
    public const string Unknown = "Unknown";

    private static readonly SearchValues<char> s_allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.");

    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && !name.AsSpan().ContainsAnyExcept(s_allowed)
        && name is not "." and not "..";

    /// <summary>Throws <see cref="ArgumentException"/> naming the rule when <paramref name="name"/> breaks it.</summary>
    public static void Validate(string? name, string parameterName = "name")
    {
        if (!IsValid(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a valid name: use 1 to {MaxLength} letters, digits, '_', '-' or '.'.", parameterName);
        }
    }
}
