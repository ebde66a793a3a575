using System.ComponentModel.DataAnnotations;

namespace FaceRecognition.Vision.Imaging;

/// <summary>What the decoder accepts. Checked from the header, before any pixel memory is allocated.</summary>
public sealed class DecodeLimits
{
    /// <summary>Largest encoded input (default 20 MiB).</summary>
    [Range(1, int.MaxValue)]
    public int MaxBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Largest picture by pixel count (default 40 megapixels, e.g. 7744x5164).</summary>
    [Range(1, 200_000_000)]
    public long MaxPixels { get; set; } = 40_000_000;
}
