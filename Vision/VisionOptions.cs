using System.ComponentModel.DataAnnotations;
using FaceRecognition.Vision.Imaging;
using FaceRecognition.Vision.Inference;

namespace FaceRecognition.Vision;

/// <summary>Configuration section "Vision".</summary>
public sealed class VisionOptions
{
    public const string SectionName = "Vision";

    /// <summary>Folder with the three .onnx models; empty = the models/ folder next to the application.</summary>
    public string ModelDirectory { get; set; } = "";

    /// <summary>Detections scoring at or below this are dropped (face-api's default 0.5).</summary>
    [Range(0.01, 0.99)]
    public float MinConfidence { get; set; } = 0.5f;

    /// <summary>Largest Euclidean distance between descriptors that still counts as the same person (face-api's 0.6).</summary>
    [Range(0.01, 2.0)]
    public float MatchThreshold { get; set; } = 0.6f;

    /// <summary>At most this many faces per picture.</summary>
    [Range(1, 1000)]
    public int MaxFaces { get; set; } = 100;

    /// <summary>
    /// Pictures whose longer side is below this many pixels are placed on a larger black canvas before detection,
    /// because the detector misses faces that fill a tiny picture (see docs/vision.md); 0 turns it off.
    /// </summary>
    [Range(0, 4096)]
    public int SmallImageSide { get; set; } = 160;

    [Required]
    public DecodeLimits Decode { get; set; } = new();

    [Required]
    public OnnxSessionOptions Onnx { get; set; } = new();

    internal string ResolveModelDirectory() =>
        string.IsNullOrWhiteSpace(ModelDirectory) ? Path.Combine(AppContext.BaseDirectory, "models") : ModelDirectory;
}
