namespace FaceRecognition.ModelConverter;

/// <summary>
/// face-api's ResNet-34-like face descriptor (a port of dlib's). Input: raw RGB 0..255, [N, 3, 150, 150] (the aligned
/// face padded to a centred square and resized). Output: the descriptor [N, 128], not normalised. Every
/// conv + bias + per-channel scale is folded into one convolution.
/// </summary>
internal static class FaceRecognitionModel
{
    public const string Name = "face_recognition_model";

    public static GraphBuilder Build(IReadOnlyDictionary<string, WeightTensor> w)
    {
        var g = new GraphBuilder("face_recognition");
        var image = g.Input("image", 3, 150);
        var x = MeanRgb.Normalize(g, image);

        x = g.Unary("Relu", Conv(g, w, x, "conv32_down", stride: 2, same: false));
        x = g.Pool("MaxPool", x, 3, 2);
        x = Residual(g, w, x, "conv32_1");
        x = Residual(g, w, x, "conv32_2");
        x = Residual(g, w, x, "conv32_3");
        x = ResidualDown(g, w, x, "conv64_down");
        x = Residual(g, w, x, "conv64_1");
        x = Residual(g, w, x, "conv64_2");
        x = Residual(g, w, x, "conv64_3");
        x = ResidualDown(g, w, x, "conv128_down");
        x = Residual(g, w, x, "conv128_1");
        x = Residual(g, w, x, "conv128_2");
        x = ResidualDown(g, w, x, "conv256_down");
        x = Residual(g, w, x, "conv256_1");
        x = Residual(g, w, x, "conv256_2");
        x = ResidualDown(g, w, x, "conv256_down_out");

        var mean = g.Node("ReduceMean", [x.Name], GraphBuilder.Ints("axes", 2, 3), GraphBuilder.Int("keepdims", 0));
        var fc = w["fc"];
        var descriptor = g.Node("MatMul", [mean, g.Constant("fc", fc.Values, fc.Shape[0], fc.Shape[1])]);
        g.NameOutput(descriptor, "descriptor");
        g.Output("descriptor", -1, 128);
        return g;
    }

    private static Feature Residual(GraphBuilder g, IReadOnlyDictionary<string, WeightTensor> w, Feature x, string prefix)
    {
        var out1 = g.Unary("Relu", Conv(g, w, x, prefix + "/conv1", stride: 1, same: true));
        var out2 = Conv(g, w, out1, prefix + "/conv2", stride: 1, same: true);
        return g.Unary("Relu", g.Add(out2, x));
    }

    /// <summary>
    /// The shortcut is a 2x2 average pool with zero channels appended; the main path's output gets a zero row and
    /// column appended when it comes out one pixel smaller than the pool.
    /// </summary>
    private static Feature ResidualDown(GraphBuilder g, IReadOnlyDictionary<string, WeightTensor> w, Feature x, string prefix)
    {
        var out1 = g.Unary("Relu", Conv(g, w, x, prefix + "/conv1", stride: 2, same: false));
        var out2 = Conv(g, w, out1, prefix + "/conv2", stride: 1, same: true);
        var pooled = g.Pool("AveragePool", x, 2, 2);
        if (pooled.Height != out2.Height || pooled.Width != out2.Width)
        {
            out2 = g.PadAfter(out2, 0, pooled.Height - out2.Height, pooled.Width - out2.Width);
        }
        if (pooled.Channels != out2.Channels)
        {
            pooled = g.PadAfter(pooled, out2.Channels - pooled.Channels, 0, 0);
        }
        return g.Unary("Relu", g.Add(pooled, out2));
    }

    private static Feature Conv(GraphBuilder g, IReadOnlyDictionary<string, WeightTensor> w, Feature x, string prefix, int stride, bool same)
    {
        var filter = w[prefix + "/conv/filters"];
        var (folded, bias) = Folding.Affine(filter.Values, w[prefix + "/conv/bias"].Values,
            w[prefix + "/scale/weights"].Values, w[prefix + "/scale/biases"].Values);
        return g.Conv(x, prefix, filter.Shape, folded, bias, stride, same);
    }
}
