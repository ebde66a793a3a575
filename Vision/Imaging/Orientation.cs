using SkiaSharp;

namespace FaceRecognition.Vision.Imaging;

/// <summary>Applies the EXIF orientation while dropping alpha: the stored pixels become the picture as it is shown.</summary>
internal static class Orientation
{
    public static RgbImage ToUprightRgb(byte[] rgba, int width, int height, SKEncodedOrigin origin)
    {
        var swapsAxes = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop
            or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (outWidth, outHeight) = swapsAxes ? (height, width) : (width, height);
        var rgb = new byte[outWidth * outHeight * 3];

        if (origin == SKEncodedOrigin.TopLeft)
        {
            for (int i = 0, o = 0, n = width * height; i < n; i++, o += 3)
            {
                rgb[o] = rgba[i * 4];
                rgb[o + 1] = rgba[(i * 4) + 1];
                rgb[o + 2] = rgba[(i * 4) + 2];
            }
            return new RgbImage(outWidth, outHeight, rgb);
        }

        for (var oy = 0; oy < outHeight; oy++)
        {
            for (var ox = 0; ox < outWidth; ox++)
            {
                var (sx, sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (width - 1 - ox, oy),
                    SKEncodedOrigin.BottomRight => (width - 1 - ox, height - 1 - oy),
                    SKEncodedOrigin.BottomLeft => (ox, height - 1 - oy),
                    SKEncodedOrigin.LeftTop => (oy, ox),
                    SKEncodedOrigin.RightTop => (oy, height - 1 - ox),
                    SKEncodedOrigin.RightBottom => (width - 1 - oy, height - 1 - ox),
                    SKEncodedOrigin.LeftBottom => (width - 1 - oy, ox),
                    _ => (ox, oy),
                };
                var s = ((sy * width) + sx) * 4;
                var o = ((oy * outWidth) + ox) * 3;
                rgb[o] = rgba[s];
                rgb[o + 1] = rgba[s + 1];
                rgb[o + 2] = rgba[s + 2];
            }
        }
        return new RgbImage(outWidth, outHeight, rgb);
    }
}
