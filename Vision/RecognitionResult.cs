using FaceRecognition.Identities;

namespace FaceRecognition.Vision;

/// <summary>A face with everything the engine computed for it.</summary>
/// <param name="Score">Detector confidence, 0..1.</param>
/// <param name="Box">Detection box in picture pixels.</param>
/// <param name="Landmarks">68 points in picture pixels (dlib/iBUG order).</param>
/// <param name="AlignedBox">The square the descriptor was computed from.</param>
/// <param name="Descriptor">128-D face descriptor (compare by Euclidean distance).</param>
public sealed record AnalyzedFace(double Score, FaceBox Box, IReadOnlyList<FacePoint> Landmarks, FaceBox AlignedBox, float[] Descriptor);

/// <summary>A face and who it is: <see cref="Name"/> is an enrolled identity or Unknown.</summary>
public sealed record RecognizedFace(AnalyzedFace Face, string Name, float? Distance);

/// <summary>How the picture's single answer came about.</summary>
public enum AnswerKind
{
    /// <summary>The largest face matched an enrolled identity.</summary>
    Matched,
    /// <summary>There is a face, but nobody enrolled is close enough (answer Unknown).</summary>
    NoMatch,
    /// <summary>No face was found (answer Unknown).</summary>
    NoFace,
}

/// <summary>Milliseconds spent in each stage of one picture.</summary>
public sealed record RecognitionTimings(double DecodeMs, double DetectMs, double LandmarksMs, double DescriptorMs, double MatchMs)
{
    public double TotalMs => DecodeMs + DetectMs + LandmarksMs + DescriptorMs + MatchMs;
}

/// <summary>
/// Every face of a picture with its identity, and the picture's single answer: the name of the largest confident face
/// (see <see cref="VisionOptions.ConfidentScore"/>), or Unknown, with <see cref="Kind"/> saying why.
/// </summary>
public sealed record RecognitionResult(int Width, int Height, IReadOnlyList<RecognizedFace> Faces, string Answer, AnswerKind Kind,
    RecognitionTimings Timings)
{
    public bool IsUnknown => Answer == IdentityName.Unknown;

    /// <summary>The face the answer is about (the largest confident one); null when no face was found.</summary>
    public RecognizedFace? AnswerFace { get; init; }
}
