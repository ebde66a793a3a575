namespace FaceRecognition.Vision.Imaging;

/// <summary>A whole-pixel rectangle inside an image.</summary>
public readonly record struct PixelRect(int X, int Y, int Width, int Height)
{
    public static PixelRect Of(RgbImage image) => new(0, 0, image.Width, image.Height);
}
