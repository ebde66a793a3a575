namespace FaceRecognition.Vision.Imaging;

/// <summary>
/// Prepares a network input the way face-api does with TensorFlow.js: a region of the picture is padded with black to
/// a square (at the bottom/right, or centred), then resized with tf.image.resizeBilinear (align_corners=false,
/// half_pixel_centers=false: source = destination * in/out), in float32 with TF's order of operations. The result is
/// written as planar RGB (NCHW, one batch item), values 0..255.
/// </summary>
internal static class NetInputWriter
{
    public static void Write(RgbImage image, PixelRect region, int size, bool centred, Span<float> destination)
    {
        var side = Math.Max(region.Width, region.Height);
        var difference = Math.Abs(region.Width - region.Height);
        var after = centred ? (int)Math.Round(difference * 0.5, MidpointRounding.AwayFromZero) : difference;
        var before = difference - after;
        var (padLeft, padTop) = region.Height > region.Width ? (before, 0) : (0, before);
        Write(image, region, size, side, padLeft, padTop, destination);
    }

    /// <summary>The region placed at (<paramref name="padLeft"/>, <paramref name="padTop"/>) on a black square of <paramref name="side"/> pixels.</summary>
    public static void Write(RgbImage image, PixelRect region, int size, int side, int padLeft, int padTop, Span<float> destination)
    {
        var plane = size * size;
        if (destination.Length < 3 * plane)
        {
            throw new ArgumentException("Destination is smaller than one input.", nameof(destination));
        }

        var scale = side / (float)size;
        Span<int> x0 = stackalloc int[size];
        Span<int> x1 = stackalloc int[size];
        Span<float> dx = stackalloc float[size];
        for (var x = 0; x < size; x++)
        {
            var source = scale * x;
            x0[x] = (int)MathF.Floor(source);
            x1[x] = Math.Min((int)MathF.Ceiling(source), side - 1);
            dx[x] = source - x0[x];
        }

        var pixels = image.Pixels;
        var stride = image.Width * 3;
        for (var y = 0; y < size; y++)
        {
            var sourceY = scale * y;
            var y0 = (int)MathF.Floor(sourceY);
            var y1 = Math.Min((int)MathF.Ceiling(sourceY), side - 1);
            var dy = sourceY - y0;
            var row0 = RowOffset(y0 - padTop, region, stride);
            var row1 = RowOffset(y1 - padTop, region, stride);
            for (var x = 0; x < size; x++)
            {
                var c0 = ColumnOffset(x0[x] - padLeft, region);
                var c1 = ColumnOffset(x1[x] - padLeft, region);
                for (var c = 0; c < 3; c++)
                {
                    var topLeft = Sample(pixels, row0, c0, c);
                    var topRight = Sample(pixels, row0, c1, c);
                    var bottomLeft = Sample(pixels, row1, c0, c);
                    var bottomRight = Sample(pixels, row1, c1, c);
                    var top = topLeft + ((topRight - topLeft) * dx[x]);
                    var bottom = bottomLeft + ((bottomRight - bottomLeft) * dx[x]);
                    destination[(c * plane) + (y * size) + x] = top + ((bottom - top) * dy);
                }
            }
        }
    }

    /// <summary>Byte offset of a region row in the picture, or -1 for the black padding.</summary>
    private static int RowOffset(int regionY, PixelRect region, int stride) =>
        regionY < 0 || regionY >= region.Height ? -1 : (region.Y + regionY) * stride;

    private static int ColumnOffset(int regionX, PixelRect region) =>
        regionX < 0 || regionX >= region.Width ? -1 : (region.X + regionX) * 3;

    private static float Sample(byte[] pixels, int row, int column, int channel) =>
        row < 0 || column < 0 ? 0f : pixels[row + column + channel];
}
