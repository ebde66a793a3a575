using System.Buffers;
using FaceRecognition.Vision.Imaging;

namespace FaceRecognition.Vision.Inference;

/// <summary>Runs a face-level model once for all faces of a picture: each crop padded to a centred square and resized.</summary>
internal static class CropBatch
{
    /// <returns>
    /// The model's output for each crop, in order; null for a crop with no pixels inside the picture. With
    /// <paramref name="alsoMirrored"/> each crop also goes through the model flipped left to right, in the same run, and
    /// its output follows all the others' (index <c>crops.Length + i</c> for crop i).
    /// </returns>
    public static float[]?[] Run(ModelSession model, RgbImage image, PixelRect[] crops, int outputLength, bool alsoMirrored = false)
    {
        var results = new float[]?[alsoMirrored ? 2 * crops.Length : crops.Length];
        var usable = Enumerable.Range(0, crops.Length).Where(i => crops[i].Width > 0 && crops[i].Height > 0).ToArray();
        if (usable.Length == 0)
        {
            return results;
        }

        var size = model.InputSize;
        var plane = 3 * size * size;
        var batch = alsoMirrored ? 2 * usable.Length : usable.Length;
        var input = ArrayPool<float>.Shared.Rent(plane * batch);
        float[] output;
        try
        {
            for (var n = 0; n < usable.Length; n++)
            {
                NetInputWriter.Write(image, crops[usable[n]], size, centred: true, input.AsSpan(n * plane, plane));
                if (alsoMirrored)
                {
                    Mirror(input.AsSpan(n * plane, plane), input.AsSpan((usable.Length + n) * plane, plane), size);
                }
            }
            output = model.Run(input, batch)[0];
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }

        for (var n = 0; n < usable.Length; n++)
        {
            results[usable[n]] = output.AsSpan(n * outputLength, outputLength).ToArray();
            if (alsoMirrored)
            {
                results[crops.Length + usable[n]] = output.AsSpan((usable.Length + n) * outputLength, outputLength).ToArray();
            }
        }
        return results;
    }

    /// <summary>Writes a CHW input flipped left to right: every row of every channel reversed.</summary>
    private static void Mirror(ReadOnlySpan<float> source, Span<float> target, int size)
    {
        for (var row = 0; row < source.Length; row += size)
        {
            source.Slice(row, size).CopyTo(target.Slice(row, size));
            target.Slice(row, size).Reverse();
        }
    }
}
