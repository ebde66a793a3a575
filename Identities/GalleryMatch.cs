namespace FaceRecognition.Identities;

/// <summary>An enrolled identity and the distance from a probe to its mean descriptor (the mean of its enrolled faces).</summary>
public readonly record struct GalleryCandidate(string Name, float Distance);

/// <summary>
/// The gallery's answer for one descriptor: the nearest identity when within the threshold, else
/// <see cref="IdentityName.Unknown"/>; <see cref="Nearest"/> is the nearest identity either way (null for an empty gallery).
/// </summary>
public sealed record GalleryMatch(string Name, GalleryCandidate? Nearest, IReadOnlyList<GalleryCandidate> Candidates)
{
    public bool IsMatch => Name != IdentityName.Unknown;
}
