using FaceRecognition.Vision;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>Pictures of one person made from a group photo: a face cropped tight and wide (two different pictures).</summary>
internal static class DemoFaces
{
    /// <summary>The <paramref name="fromLeft"/>-th face of the photo counted from the left, cropped tight and wide.</summary>
    public static (byte[] Tight, byte[] Wide) Crops(byte[] photo, int fromLeft)
    {
        using var engine = new FaceRecognizer(Options.Create(new VisionOptions()));
        var box = engine.Detect(engine.Decode(photo)).Select(d => d.Box).OrderBy(b => b.X).ElementAt(fromLeft);
        using var bitmap = SKBitmap.Decode(photo);
        byte[] Crop(double margin)
        {
            var pad = box.Width * margin;
            var rect = SKRectI.Create((int)Math.Max(0, box.X - pad), (int)Math.Max(0, box.Y - pad), (int)(box.Width + (2 * pad)), (int)(box.Height + (2 * pad)));
            using var subset = new SKBitmap();
            bitmap.ExtractSubset(subset, rect);
            using var encoded = subset.Encode(SKEncodedImageFormat.Png, 100);
            return encoded.ToArray();
        }
        return (Crop(0.1), Crop(0.5));
    }
}
