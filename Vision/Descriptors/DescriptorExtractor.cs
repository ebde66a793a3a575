using System.Numerics.Tensors;
using FaceRecognition.Vision.Imaging;
using FaceRecognition.Vision.Inference;

namespace FaceRecognition.Vision.Descriptors;

/// <summary>The 128-D face descriptor of each aligned face (padded to a centred square, resized to 150), in one run.</summary>
internal sealed class DescriptorExtractor(ModelSession model)
{
    public const int Dimension = 128;

    /// <param name="mirrorAveraged">
    /// Each face's descriptor is the mean of the descriptors of the face and of its mirror image (the network's input
    /// flipped left to right), computed in the same run: a face and its mirror are the same person, and the mean is
    /// steadier across poses and lighting (bench/Recognition/REPORT.md). False gives the network's plain output, as face-api.
    /// </param>
    /// <returns>One descriptor per rectangle; null where the rectangle lies outside the picture.</returns>
    public float[]?[] Extract(RgbImage image, IReadOnlyList<FaceBox> alignedBoxes, bool mirrorAveraged)
    {
        var outputs = CropBatch.Run(model, image, [.. alignedBoxes.Select(b => b.ClipToImage(image.Width, image.Height))], Dimension, mirrorAveraged);
        if (!mirrorAveraged)
        {
            return outputs;
        }
        var descriptors = new float[]?[alignedBoxes.Count];
        for (var i = 0; i < descriptors.Length; i++)
        {
            if (outputs[i] is { } plain && outputs[descriptors.Length + i] is { } mirrored)
            {
                TensorPrimitives.Add(plain, mirrored, plain);
                TensorPrimitives.Multiply(plain, 0.5f, plain);
                descriptors[i] = plain;
            }
        }
        return descriptors;
    }
}
