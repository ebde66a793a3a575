namespace FaceRecognition.ModelConverter;

/// <summary>The normalisation of the landmark and recognition nets: (x - per-channel mean) / 255.</summary>
internal static class MeanRgb
{
    private static readonly float[] s_mean = [122.782f, 117.001f, 104.298f];

    public static Feature Normalize(GraphBuilder g, Feature image)
    {
        var centred = g.Node("Sub", [image.Name, g.Constant("mean_rgb", s_mean, 1, 3, 1, 1)]);
        return image with { Name = g.Node("Div", [centred, g.Scalar(255f)]) };
    }
}
