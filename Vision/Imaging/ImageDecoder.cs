using System.Buffers;
using SkiaSharp;

namespace FaceRecognition.Vision.Imaging;

/// <summary>
/// Decodes JPEG, PNG, WebP and BMP into upright RGB. The size is read from the header and checked against the limits
/// before any pixel buffer exists, so a decompression bomb costs only its header.
/// </summary>
public static class ImageDecoder
{
    private static readonly SKEncodedImageFormat[] s_supported =
        [SKEncodedImageFormat.Jpeg, SKEncodedImageFormat.Png, SKEncodedImageFormat.Webp, SKEncodedImageFormat.Bmp];

    public static RgbImage Decode(ReadOnlySpan<byte> encoded, DecodeLimits limits)
    {
        if (encoded.IsEmpty)
        {
            throw new ImageRejectedException(ImageRejection.Empty, "The file is empty.");
        }
        if (encoded.Length > limits.MaxBytes)
        {
            throw new ImageRejectedException(ImageRejection.TooManyBytes,
                $"The file has {encoded.Length:N0} bytes; the limit is {limits.MaxBytes:N0}.");
        }

        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw new ImageRejectedException(ImageRejection.NotAnImage, "The file is not a picture (JPEG, PNG, WebP or BMP expected).");
        if (Array.IndexOf(s_supported, codec.EncodedFormat) < 0)
        {
            throw new ImageRejectedException(ImageRejection.UnsupportedFormat,
                $"{codec.EncodedFormat} pictures are not accepted; send JPEG, PNG, WebP or BMP.");
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width < 1 || height < 1 || (long)width * height > limits.MaxPixels)
        {
            throw new ImageRejectedException(ImageRejection.TooManyPixels,
                $"The picture is {width}x{height} ({(long)width * height:N0} pixels); the limit is {limits.MaxPixels:N0} pixels.");
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = ArrayPool<byte>.Shared.Rent(info.BytesSize);
        try
        {
            var result = DecodeInto(codec, info, rgba);
            if (result != SKCodecResult.Success)
            {
                throw new ImageRejectedException(ImageRejection.Corrupt,
                    result == SKCodecResult.IncompleteInput
                        ? "The picture is truncated: its data ends before the last row."
                        : $"The picture could not be decoded ({result}).");
            }
            return Orientation.ToUprightRgb(rgba, width, height, codec.EncodedOrigin);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgba);
        }
    }

    private static unsafe SKCodecResult DecodeInto(SKCodec codec, SKImageInfo info, byte[] rgba)
    {
        fixed (byte* pixels = rgba)
        {
            return codec.GetPixels(info, (IntPtr)pixels);
        }
    }
}
