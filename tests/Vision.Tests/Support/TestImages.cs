using System.Buffers.Binary;
using System.IO.Hashing;
using FaceRecognition.Vision.Imaging;
using SkiaSharp;

namespace FaceRecognition.Vision.Tests.Support;

/// <summary>Pictures the tests make for themselves.</summary>
internal static class TestImages
{
    /// <summary>Encodes a picture of <paramref name="width"/>x<paramref name="height"/> whose pixel colour comes from <paramref name="colour"/>.</summary>
    public static byte[] Encode(int width, int height, Func<int, int, SKColor> colour, SKEncodedImageFormat format = SKEncodedImageFormat.Png,
        SKColorType colorType = SKColorType.Rgba8888)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, colorType, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, colour(x, y));
            }
        }
        using var data = bitmap.Encode(format, 95);
        return data.ToArray();
    }

    /// <summary>Re-encodes a picture as JPEG after transforming it, e.g. rotating it for an EXIF test.</summary>
    public static byte[] Transform(byte[] encoded, Func<SKBitmap, SKBitmap> transform)
    {
        using var original = SKBitmap.Decode(encoded);
        using var changed = transform(original);
        using var data = changed.Encode(SKEncodedImageFormat.Jpeg, 95);
        return data.ToArray();
    }

    public static SKBitmap RotateCounterClockwise(SKBitmap source)
    {
        var rotated = new SKBitmap(source.Height, source.Width);
        using var canvas = new SKCanvas(rotated);
        canvas.Translate(0, source.Width);
        canvas.RotateDegrees(-90);
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, 0, 0, SKSamplingOptions.Default);
        return rotated;
    }

    /// <summary>Inserts an EXIF block with only the Orientation tag (1..8) right after the JPEG's SOI marker.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        var tiff = new byte[8 + 2 + 12 + 4];
        "II*\0"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(10), 0x0112);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(12), 3);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(18), orientation);
        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>A PNG that claims <paramref name="width"/>x<paramref name="height"/> pixels in a few dozen bytes.</summary>
    public static byte[] PngHeaderClaiming(int width, int height)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        byte[] idat = [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01];
        return [.. (byte[])[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], .. Chunk("IHDR", header), .. Chunk("IDAT", idat), .. Chunk("IEND", [])];
    }

    /// <summary>A two-frame animated GIF, 2x2 pixels.</summary>
    public static byte[] AnimatedGif()
    {
        using var stream = new MemoryStream();
        stream.Write("GIF89a"u8);
        stream.Write([2, 0, 2, 0, 0x80, 0, 0]);
        stream.Write([0xFF, 0, 0, 0, 0, 0xFF]);
        stream.Write([0x21, 0xFF, 0x0B, .. "NETSCAPE2.0"u8, 0x03, 0x01, 0x00, 0x00, 0x00]);
        for (var frame = 0; frame < 2; frame++)
        {
            stream.Write([0x21, 0xF9, 0x04, 0x00, 0x0A, 0x00, 0x00, 0x00]);
            stream.Write([0x2C, 0, 0, 0, 0, 2, 0, 2, 0, 0]);
            stream.Write([0x02, 0x02, (byte)(frame == 0 ? 0x44 : 0x8C), 0x01, 0x00]);
        }
        stream.WriteByte(0x3B);
        return stream.ToArray();
    }

    public static RgbImage Decode(byte[] encoded) => ImageDecoder.Decode(encoded, new DecodeLimits());

    private static byte[] Chunk(string type, byte[] data)
    {
        byte[] typeAndData = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        typeAndData.CopyTo(chunk, 4);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32.HashToUInt32(typeAndData));
        return chunk;
    }

    /// <summary>The face's box widened by <paramref name="margin"/> of its width on every side, cut out of the picture.</summary>
    public static RgbImage Crop(RgbImage image, FaceBox box, double margin)
    {
        var pad = box.Width * margin;
        var rect = new FaceBox(box.X - pad, box.Y - pad, box.Width + (2 * pad), box.Height + (2 * pad)).ClipToImage(image.Width, image.Height);
        var pixels = new byte[rect.Width * rect.Height * 3];
        for (var y = 0; y < rect.Height; y++)
        {
            image.Pixels.AsSpan((((rect.Y + y) * image.Width) + rect.X) * 3, rect.Width * 3).CopyTo(pixels.AsSpan(y * rect.Width * 3));
        }
        return new RgbImage(rect.Width, rect.Height, pixels);
    }

    public static byte[] Encode(RgbImage image) =>
        Encode(image.Width, image.Height, (x, y) =>
        {
            var i = ((y * image.Width) + x) * 3;
            return new SKColor(image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);
        });
}
