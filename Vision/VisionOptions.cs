using System.ComponentModel.DataAnnotations;
using FaceRecognition.Vision.Imaging;
using FaceRecognition.Vision.Inference;
using FaceRecognition.Vision.Quality;

namespace FaceRecognition.Vision;

/// <summary>Configuration section "Vision".</summary>
public sealed class VisionOptions
{
    public const string SectionName = "Vision";

    /// <summary>Folder with the .onnx models; empty = the models/ folder next to the application.</summary>
    public string ModelDirectory { get; set; } = "";

    /// <summary>
    /// Detections scoring at or below this are dropped. face-api uses 0.5; 0.4 is measured to keep faces the
    /// original workload needs (a profile scoring 0.46) without new false detections (docs/vision.md).
    /// </summary>
    [Range(0.01, 0.99)]
    public float MinConfidence { get; set; } = 0.4f;

    /// <summary>
    /// The picture's answer comes from the largest face scoring at least this (a blurred face in the foreground does
    /// not outvote a sharp one); when no face reaches it, from the largest face.
    /// </summary>
    [Range(0.01, 1.0)]
    public float ConfidentScore { get; set; } = 0.8f;

    /// <summary>
    /// Largest Euclidean distance between a face's descriptor and an identity (the mean of its enrolled faces) that
    /// still counts as that person. face-api and dlib use 0.6; chosen from every labelled set by bench/Recognition
    /// (docs/vision.md has the numbers and the reason).
    /// </summary>
    [Range(0.01, 2.0)]
    public float MatchThreshold { get; set; } = 0.55f;

    /// <summary>
    /// A face's descriptor is the mean of the descriptors of the face and its mirror image (one network run for both),
    /// which brings pictures of the same person closer (bench/Recognition/REPORT.md). False gives face-api's descriptor.
    /// </summary>
    public bool MirrorAveragedDescriptors { get; set; } = true;

    /// <summary>At most this many faces per picture.</summary>
    [Range(1, 1000)]
    public int MaxFaces { get; set; } = 100;

    /// <summary>
    /// Pictures whose longer side is below this many pixels are detected on a black canvas twice their size with the
    /// 256x256 detector, because the detector misses a face that fills a small picture (measured in docs/vision.md);
    /// 0 turns it off.
    /// </summary>
    [Range(0, 4096)]
    public int SmallImageSide { get; set; } = 256;

    [Required]
    public DecodeLimits Decode { get; set; } = new();

    [Required]
    public EnrolmentOptions Enrolment { get; set; } = new();

    [Required]
    public OnnxSessionOptions Onnx { get; set; } = new();

    internal string ResolveModelDirectory() =>
        string.IsNullOrWhiteSpace(ModelDirectory) ? Path.Combine(AppContext.BaseDirectory, "models") : ModelDirectory;
}
