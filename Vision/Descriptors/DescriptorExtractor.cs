using FaceRecognition.Vision.Imaging;
using FaceRecognition.Vision.Inference;

namespace FaceRecognition.Vision.Descriptors;

/// <summary>The 128-D face descriptor of each aligned face (padded to a centred square, resized to 150), in one run.</summary>
internal sealed class DescriptorExtractor(ModelSession model)
{
    public const int Dimension = 128;

    /// <returns>One descriptor per rectangle; null where the rectangle lies outside the picture.</returns>
    public float[]?[] Extract(RgbImage image, IReadOnlyList<FaceBox> alignedBoxes) =>
        CropBatch.Run(model, image, [.. alignedBoxes.Select(b => b.ClipToImage(image.Width, image.Height))], Dimension);
}
