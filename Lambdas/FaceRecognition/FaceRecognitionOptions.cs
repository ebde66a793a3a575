using System.ComponentModel.DataAnnotations;

namespace FaceRecognition.Lambdas.FaceRecognition;

/// <summary>Configuration section "FaceRecognition".</summary>
public sealed class FaceRecognitionOptions
{
    public const string SectionName = "FaceRecognition";

    /// <summary>The gallery's ETag is checked at most this often (invocations in between use the loaded one).</summary>
    [Range(0, 3600)]
    public double GalleryRefreshSeconds { get; set; } = 2;
}
