using System.Buffers;
using FaceRecognition.Vision.Imaging;
using FaceRecognition.Vision.Inference;

namespace FaceRecognition.Vision.Detection;

/// <summary>
/// SSD MobileNetV1: the picture padded at the bottom/right to a square, resized to 512, boxes after NMS (as face-api).
/// A small picture (longer side below <c>smallImageSide</c>) is instead placed in the middle of a black square
/// <see cref="SmallImageCanvasFactor"/> times its size and run through the same network exported at 256x256: the
/// detector was trained on faces within scenes and misses a face that fills a small picture (the original 64x64
/// workload: 0 of 10 found as face-api runs it), and the 256 input costs a quarter of the 512 one (docs/vision.md).
/// </summary>
internal sealed class FaceDetector(ModelSession model, ModelSession smallModel)
{
    public const int SmallImageCanvasFactor = 2;
    private const float IouThreshold = 0.5f;

    public IReadOnlyList<FaceDetection> Detect(RgbImage image, float minConfidence, int maxFaces, int smallImageSide)
    {
        var longer = Math.Max(image.Width, image.Height);
        var onCanvas = smallImageSide > 0 && longer < smallImageSide;
        var session = onCanvas ? smallModel : model;
        var size = session.InputSize;
        var input = ArrayPool<float>.Shared.Rent(3 * size * size);
        float[][] outputs;
        var side = longer * SmallImageCanvasFactor;
        var (left, top) = ((side - image.Width) / 2, (side - image.Height) / 2);
        try
        {
            if (onCanvas)
            {
                NetInputWriter.Write(image, PixelRect.Of(image), size, side, left, top, input);
            }
            else
            {
                NetInputWriter.Write(image, PixelRect.Of(image), size, centred: false, input);
            }
            outputs = session.Run(input, 1);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }

        if (!onCanvas)
        {
            return Decode(outputs[0], outputs[1], image.Width, image.Height, size, minConfidence, maxFaces);
        }
        return [.. Decode(outputs[0], outputs[1], side, side, size, minConfidence, maxFaces)
            .Select(d => d with { Box = d.Box with { X = d.Box.X - left, Y = d.Box.Y - top } })];
    }

    /// <summary>NMS, then relative boxes of the padded square back to picture pixels (face-api's locateFaces).</summary>
    internal static List<FaceDetection> Decode(float[] boxes, float[] scores, int width, int height, int inputSize,
        float minConfidence, int maxFaces)
    {
        var scale = inputSize / (double)Math.Max(width, height);
        var padX = inputSize / (double)Math.Round(width * scale, MidpointRounding.AwayFromZero);
        var padY = inputSize / (double)Math.Round(height * scale, MidpointRounding.AwayFromZero);

        var faces = new List<FaceDetection>();
        foreach (var index in NonMaxSuppression.Select(boxes, scores, maxFaces, IouThreshold, minConfidence))
        {
            var b = boxes.AsSpan(index * 4, 4);
            var top = Math.Max(0, (double)b[0]) * padY;
            var bottom = Math.Min(1.0, b[2]) * padY;
            var left = Math.Max(0, (double)b[1]) * padX;
            var right = Math.Min(1.0, b[3]) * padX;
            var box = new FaceBox(left * width, top * height, (right - left) * width, (bottom - top) * height);
            faces.Add(new FaceDetection(scores[index], box));
        }
        return faces;
    }
}
