namespace FaceRecognition.Vision.Imaging;

/// <summary>A decoded picture: 8-bit RGB, interleaved, rows top to bottom, already turned upright (EXIF).</summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (pixels.Length != width * height * 3)
        {
            throw new ArgumentException($"Expected {width * height * 3} bytes for {width}x{height} RGB, got {pixels.Length}.", nameof(pixels));
        }
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Width * Height * 3 bytes: R, G, B of each pixel.</summary>
    public byte[] Pixels { get; }
}
