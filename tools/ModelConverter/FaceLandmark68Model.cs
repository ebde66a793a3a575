namespace FaceRecognition.ModelConverter;

/// <summary>
/// face-api's 68-point landmark net. Input: raw RGB 0..255, [N, 3, 112, 112] (the face box padded to a centred
/// square and resized). Output: [N, 136] = (x0, y0, x1, y1, ...) relative to the 112 square.
/// </summary>
internal static class FaceLandmark68Model
{
    public const string Name = "face_landmark_68_model";

    public static GraphBuilder Build(IReadOnlyDictionary<string, WeightTensor> w)
    {
        var g = new GraphBuilder("face_landmark_68");
        var image = g.Input("image", 3, 112);
        var x = MeanRgb.Normalize(g, image);

        x = DenseBlock(g, w, x, "dense0", firstLayer: true);
        x = DenseBlock(g, w, x, "dense1", firstLayer: false);
        x = DenseBlock(g, w, x, "dense2", firstLayer: false);
        x = DenseBlock(g, w, x, "dense3", firstLayer: false);
        x = g.Pool("AveragePool", x, 7, 2);

        var flat = g.Node("Reshape", [x.Name, g.Int64Constant("shape", 0, -1)]);
        var fc = w["fc/weights"];
        var product = g.Node("MatMul", [flat, g.Constant("fc/weights", fc.Values, fc.Shape[0], fc.Shape[1])]);
        var output = g.Node("Add", [product, g.Constant("fc/bias", w["fc/bias"].Values, fc.Shape[1])]);
        g.NameOutput(output, "landmarks");
        g.Output("landmarks", -1, 136);
        return g;
    }

    /// <summary>denseBlock4: four convolutions whose outputs are summed densely, each sum through ReLU.</summary>
    private static Feature DenseBlock(GraphBuilder g, IReadOnlyDictionary<string, WeightTensor> w, Feature x, string prefix, bool firstLayer)
    {
        Feature out1;
        if (firstLayer)
        {
            var filter = w[prefix + "/conv0/filters"];
            out1 = g.Conv(x, prefix + "/conv0", filter.Shape, filter.Values, w[prefix + "/conv0/bias"].Values, 2, same: true);
        }
        else
        {
            out1 = Separable(g, w, x, prefix + "/conv0", 2);
        }
        out1 = g.Unary("Relu", out1);
        var out2 = Separable(g, w, out1, prefix + "/conv1", 1);
        var sum12 = g.Add(out1, out2);
        var out3 = Separable(g, w, g.Unary("Relu", sum12), prefix + "/conv2", 1);
        var sum123 = g.Add(out1, g.Add(out2, out3));
        var out4 = Separable(g, w, g.Unary("Relu", sum123), prefix + "/conv3", 1);
        return g.Unary("Relu", g.Add(out1, g.Add(out2, g.Add(out3, out4))));
    }

    /// <summary>tf.separableConv2d + bias: depthwise 3x3 'same' (stride here), then pointwise 1x1 with the bias.</summary>
    private static Feature Separable(GraphBuilder g, IReadOnlyDictionary<string, WeightTensor> w, Feature x, string prefix, int stride)
    {
        var depthwise = w[prefix + "/depthwise_filter"];
        var pointwise = w[prefix + "/pointwise_filter"];
        var d = g.Conv(x, prefix + "/depthwise", depthwise.Shape, depthwise.Values, null, stride, same: true, depthwise: true);
        return g.Conv(d, prefix + "/pointwise", pointwise.Shape, pointwise.Values, w[prefix + "/bias"].Values, 1, same: true);
    }
}
