using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Vision;

namespace FaceRecognition.AppTier;

/// <summary>A face as replies carry it: box and landmarks to a tenth of a pixel, score and distance to 3 decimals.</summary>
internal static class ReplyFaces
{
    public static ReplyFace Of(AnalyzedFace face, string? name, float? distance, bool landmarks) => new(
        [Round(face.Box.X), Round(face.Box.Y), Round(face.Box.Width), Round(face.Box.Height)],
        MathF.Round((float)face.Score, 3), name, distance is { } d ? MathF.Round(d, 3) : null,
        landmarks ? [.. face.Landmarks.SelectMany(p => new[] { Round(p.X), Round(p.Y) })] : null);

    private static float Round(double value) => MathF.Round((float)value, 1);
}
