using System.Buffers;
using FaceRecognition.Vision.Imaging;
using FaceRecognition.Vision.Inference;

namespace FaceRecognition.Vision.Landmarks;

/// <summary>
/// The 68-point landmark net on each detection's crop (padded to a centred square, resized to 112), all faces of a
/// picture in one run. Points come back in picture pixels, computed as face-api computes them.
/// </summary>
internal sealed class LandmarkDetector(ModelSession model)
{
    public const int PointCount = 68;

    /// <returns>One entry per box; null where the box lies outside the picture.</returns>
    public FacePoint[]?[] Detect(RgbImage image, IReadOnlyList<FaceBox> boxes)
    {
        var crops = boxes.Select(b => b.ThroughRelative(image.Width, image.Height).ClipToImage(image.Width, image.Height)).ToArray();
        var usable = Enumerable.Range(0, crops.Length).Where(i => crops[i].Width > 0 && crops[i].Height > 0).ToArray();
        var results = new FacePoint[]?[boxes.Count];
        if (usable.Length == 0)
        {
            return results;
        }

        var size = model.InputSize;
        var plane = 3 * size * size;
        var input = ArrayPool<float>.Shared.Rent(plane * usable.Length);
        float[] output;
        try
        {
            for (var n = 0; n < usable.Length; n++)
            {
                NetInputWriter.Write(image, crops[usable[n]], size, centred: true, input.AsSpan(n * plane, plane));
            }
            output = model.Run(input, usable.Length)[0];
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }

        for (var n = 0; n < usable.Length; n++)
        {
            var face = usable[n];
            results[face] = ToPicturePoints(output.AsSpan(n * PointCount * 2, PointCount * 2), crops[face], boxes[face], size);
        }
        return results;
    }

    /// <summary>
    /// face-api's postProcess (float32 tensor ops: * size, - centring pad, / scaled crop side) and then its
    /// FaceLandmarks bookkeeping (relative * crop size, shifted by the unrounded detection box).
    /// </summary>
    internal static FacePoint[] ToPicturePoints(ReadOnlySpan<float> raw, PixelRect crop, FaceBox detection, int inputSize)
    {
        var scale = inputSize / (double)Math.Max(crop.Width, crop.Height);
        var width = crop.Width * scale;
        var height = crop.Height * scale;
        var padX = width < height ? Math.Abs(width - height) / 2 : 0;
        var padY = height < width ? Math.Abs(width - height) / 2 : 0;

        var points = new FacePoint[PointCount];
        for (var i = 0; i < PointCount; i++)
        {
            var relativeX = ((raw[2 * i] * (float)inputSize) - (float)padX) / (float)width;
            var relativeY = ((raw[(2 * i) + 1] * (float)inputSize) - (float)padY) / (float)height;
            // FaceLandmarks keeps absolute positions and recomputes relative ones when shifted: repeat that.
            var unshiftedX = (double)relativeX * crop.Width / crop.Width;
            var unshiftedY = (double)relativeY * crop.Height / crop.Height;
            points[i] = new FacePoint((unshiftedX * crop.Width) + detection.X, (unshiftedY * crop.Height) + detection.Y);
        }
        return points;
    }
}
