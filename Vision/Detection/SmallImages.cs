using FaceRecognition.Vision.Imaging;

namespace FaceRecognition.Vision.Detection;

/// <summary>
/// The SSD detector was trained on faces that fill part of a scene; a face that fills a tiny picture (the original
/// workload's 64x64 crops) is stretched to the whole 512 input and often missed. Such pictures are detected on a
/// larger black canvas, with the picture in its centre, and the boxes are mapped back.
/// </summary>
internal static class SmallImages
{
    public static IReadOnlyList<FaceDetection> Detect(RgbImage image, int smallSide, Func<RgbImage, IReadOnlyList<FaceDetection>> detect)
    {
        if (smallSide <= 0 || Math.Max(image.Width, image.Height) >= smallSide)
        {
            return detect(image);
        }
        var side = smallSide;
        var (offsetX, offsetY) = ((side - image.Width) / 2, (side - image.Height) / 2);
        var canvas = new byte[side * side * 3];
        for (var y = 0; y < image.Height; y++)
        {
            image.Pixels.AsSpan(y * image.Width * 3, image.Width * 3).CopyTo(canvas.AsSpan((((offsetY + y) * side) + offsetX) * 3));
        }
        return [.. detect(new RgbImage(side, side, canvas)).Select(d => d with { Box = d.Box with { X = d.Box.X - offsetX, Y = d.Box.Y - offsetY } })];
    }
}
