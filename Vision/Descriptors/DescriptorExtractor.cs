using System.Buffers;
using FaceRecognition.Vision.Imaging;
using FaceRecognition.Vision.Inference;

namespace FaceRecognition.Vision.Descriptors;

/// <summary>The 128-D face descriptor of each aligned face (padded to a centred square, resized to 150), in one run.</summary>
internal sealed class DescriptorExtractor(ModelSession model)
{
    public const int Dimension = 128;

    /// <returns>One descriptor per rectangle; null where the rectangle lies outside the picture.</returns>
    public float[]?[] Extract(RgbImage image, IReadOnlyList<FaceBox> alignedBoxes)
    {
        var crops = alignedBoxes.Select(b => b.ClipToImage(image.Width, image.Height)).ToArray();
        var usable = Enumerable.Range(0, crops.Length).Where(i => crops[i].Width > 0 && crops[i].Height > 0).ToArray();
        var results = new float[]?[alignedBoxes.Count];
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
            results[usable[n]] = output.AsSpan(n * Dimension, Dimension).ToArray();
        }
        return results;
    }
}
