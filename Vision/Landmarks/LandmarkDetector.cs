using FaceRecognition.Vision.Imaging;
using FaceRecognition.Vision.Inference;

namespace FaceRecognition.Vision.Landmarks;

/// <summary>
/// The 68-point landmark net on each detection's crop (padded to a centred square, resized to 112), all faces of a
/// picture in one run. Points come back in picture pixels, computed as face-api computes them.
/// </summary>
/// <summary>68 points in picture pixels, and the crop of the picture the landmark net saw.</summary>
internal sealed record FaceLandmarks(FacePoint[] Points, PixelRect Crop);

internal sealed class LandmarkDetector(ModelSession model)
{
    public const int PointCount = 68;

    /// <returns>
    /// One entry per box: the points and the crop they came from (the alignment needs its size); null where the box
    /// lies outside the picture.
    /// </returns>
    public FaceLandmarks?[] Detect(RgbImage image, IReadOnlyList<FaceBox> boxes)
    {
        var crops = boxes.Select(b => b.ThroughRelative(image.Width, image.Height).ClipToImage(image.Width, image.Height)).ToArray();
        var outputs = CropBatch.Run(model, image, crops, PointCount * 2);
        return [.. outputs.Select((raw, i) => raw is null ? null : new FaceLandmarks(ToPicturePoints(raw, crops[i], boxes[i], model.InputSize), crops[i]))];
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
