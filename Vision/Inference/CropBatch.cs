using System.Buffers;
using FaceRecognition.Vision.Imaging;

namespace FaceRecognition.Vision.Inference;

/// <summary>Runs a face-level model once for all faces of a picture: each crop padded to a centred square and resized.</summary>
internal static class CropBatch
{
    /// <returns>The model's output for each crop, in order; null for a crop with no pixels inside the picture.</returns>
    public static float[]?[] Run(ModelSession model, RgbImage image, PixelRect[] crops, int outputLength)
    {
        var results = new float[]?[crops.Length];
        var usable = Enumerable.Range(0, crops.Length).Where(i => crops[i].Width > 0 && crops[i].Height > 0).ToArray();
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
            results[usable[n]] = output.AsSpan(n * outputLength, outputLength).ToArray();
        }
        return results;
    }
}
