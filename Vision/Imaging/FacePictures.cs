using SkiaSharp;

namespace FaceRecognition.Vision.Imaging;

/// <summary>The encodings a drawn picture can take.</summary>
public enum PictureFormat
{
    Png,
    Jpeg,
}

/// <summary>Pictures made from a decoded picture and its faces: the picture with them drawn, and a face's thumbnail.</summary>
public static class FacePictures
{
    /// <summary>The picture with each face's box, its score (as a bar above the box, full width = 1.0, and as text)
    /// and, when asked, its 68 landmarks.</summary>
    public static byte[] Drawn(RgbImage image, IReadOnlyList<AnalyzedFace> faces, bool landmarks, PictureFormat format)
    {
        using var bitmap = ToBitmap(image);
        var line = Math.Max(2f, image.Width / 400f);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var box = new SKPaint { Color = SKColors.Lime, Style = SKPaintStyle.Stroke, StrokeWidth = line, IsAntialias = true };
            using var point = new SKPaint { Color = SKColors.Red, Style = SKPaintStyle.Fill, IsAntialias = true };
            using var label = new SKPaint { Color = SKColors.Lime, IsAntialias = true };
            using var font = new SKFont { Size = Math.Max(14f, image.Width / 60f) };
            foreach (var face in faces)
            {
                canvas.DrawRect((float)face.Box.X, (float)face.Box.Y, (float)face.Box.Width, (float)face.Box.Height, box);
                canvas.DrawRect((float)face.Box.X, (float)face.Box.Y - (line * 4), (float)(face.Box.Width * face.Score), line * 2, label);
                canvas.DrawText($"{face.Score:F2}", (float)face.Box.X, (float)face.Box.Y - (line * 5), SKTextAlign.Left, font, label);
                if (landmarks)
                {
                    foreach (var p in face.Landmarks)
                    {
                        canvas.DrawCircle((float)p.X, (float)p.Y, line, point);
                    }
                }
            }
        }
        using var data = format == PictureFormat.Png ? bitmap.Encode(SKEncodedImageFormat.Png, 100) : bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    /// <summary>A square JPEG of at most <paramref name="side"/> pixels around the face's box, with a margin of a
    /// quarter of the box on each side (clipped to the picture).</summary>
    public static byte[] Thumbnail(RgbImage image, FaceBox face, int side = 112)
    {
        var size = Math.Max(face.Width, face.Height) * 1.5;
        var (centreX, centreY) = (face.X + (face.Width / 2), face.Y + (face.Height / 2));
        var left = (int)Math.Clamp(centreX - (size / 2), 0, image.Width - 1);
        var top = (int)Math.Clamp(centreY - (size / 2), 0, image.Height - 1);
        var right = (int)Math.Clamp(centreX + (size / 2), left + 1, image.Width);
        var bottom = (int)Math.Clamp(centreY + (size / 2), top + 1, image.Height);

        using var bitmap = ToBitmap(image);
        using var crop = new SKBitmap();
        bitmap.ExtractSubset(crop, new SKRectI(left, top, right, bottom));
        var scale = Math.Min(1.0, side / (double)Math.Max(crop.Width, crop.Height));
        using var small = crop.Resize(new SKImageInfo(Math.Max(1, (int)(crop.Width * scale)), Math.Max(1, (int)(crop.Height * scale))),
            new SKSamplingOptions(SKCubicResampler.Mitchell));
        using var data = small.Encode(SKEncodedImageFormat.Jpeg, 85);
        return data.ToArray();
    }

    private static SKBitmap ToBitmap(RgbImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[image.Width * image.Height * 4];
        for (int i = 0, o = 0; i < image.Pixels.Length; i += 3, o += 4)
        {
            rgba[o] = image.Pixels[i];
            rgba[o + 1] = image.Pixels[i + 1];
            rgba[o + 2] = image.Pixels[i + 2];
            rgba[o + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }
}
