using System.ComponentModel.DataAnnotations;

namespace FaceRecognition.Vision.Quality;

/// <summary>
/// Configuration section "Vision:Enrolment": the least a face must offer to be enrolled. The defaults are measured by
/// bench/Recognition (docs/vision.md, "Enrolment quality"); 0 turns a check off.
/// </summary>
public sealed class EnrolmentOptions
{
    /// <summary>Smallest aligned face, in picture pixels, whose descriptor still matches the same person's other photos.</summary>
    [Range(0, 10000)]
    public double MinFaceSize { get; set; } = 62;

    /// <summary>Least <see cref="FaceQuality.Sharpness"/> whose descriptor still matches the same person's other photos.</summary>
    [Range(0, 100000)]
    public double MinSharpness { get; set; } = 60;

    /// <summary>Largest <see cref="FaceQuality.Turn"/> accepted (0 frontal, 1 profile).</summary>
    [Range(0, 1)]
    public double MaxTurn { get; set; } = 0.75;
}
