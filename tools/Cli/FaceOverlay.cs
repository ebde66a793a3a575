using FaceRecognition.Vision;
using FaceRecognition.Vision.Imaging;
using SkiaSharp;

namespace FaceRecognition.Cli;

/// <summary>Draws detection boxes, scores and the 68 landmarks over a picture and saves it as PNG.</summary>
internal static class FaceOverlay
{
    public static void Write(RgbImage image, IReadOnlyList<AnalyzedFace> faces, string path)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[image.Width * image.Height * 4];
        for (int i = 0, o = 0; i < image.Pixels.Length; i += 3, o += 4)
        {
            rgba[o] = image.Pixels[i];
            rgba[o + 1] = image.Pixels[i + 1];
            rgba[o + 2] = image.Pixels[i + 2];
            rgba[o + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);

        var line = Math.Max(2f, image.Width / 400f);
        using var canvas = new SKCanvas(bitmap);
        using var box = new SKPaint { Color = SKColors.Lime, Style = SKPaintStyle.Stroke, StrokeWidth = line, IsAntialias = true };
        using var point = new SKPaint { Color = SKColors.Red, Style = SKPaintStyle.Fill, IsAntialias = true };
        using var label = new SKPaint { Color = SKColors.Lime, IsAntialias = true };
        using var font = new SKFont { Size = Math.Max(14f, image.Width / 60f) };
        foreach (var face in faces)
        {
            canvas.DrawRect((float)face.Box.X, (float)face.Box.Y, (float)face.Box.Width, (float)face.Box.Height, box);
            // The score as a bar above the box (its full width = 1.0), readable even where no font is installed.
            canvas.DrawRect((float)face.Box.X, (float)face.Box.Y - (line * 4), (float)(face.Box.Width * face.Score), line * 2, label);
            canvas.DrawText($"{face.Score:F2}", (float)face.Box.X, (float)face.Box.Y - (line * 5), SKTextAlign.Left, font, label);
            foreach (var p in face.Landmarks)
            {
                canvas.DrawCircle((float)p.X, (float)p.Y, line, point);
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, data.ToArray());
    }
}
