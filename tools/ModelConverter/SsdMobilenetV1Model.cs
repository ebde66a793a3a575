namespace FaceRecognition.ModelConverter;

/// <summary>
/// face-api's SSD MobileNetV1 face detector. Input: raw RGB 0..255, [N, 3, 512, 512] (already padded to a square and
/// resized). Outputs: decoded boxes [N, 5118, 4] as (ymin, xmin, ymax, xmax) relative to the 512 square, and face
/// scores [N, 5118]. Non-maximum suppression stays outside the graph.
/// </summary>
internal static class SsdMobilenetV1Model
{
    public const string Name = "ssd_mobilenetv1_model";
    private const float BatchNormEpsilon = 0.0010000000474974513f;
    private static readonly int[] s_strideTwoLayers = [2, 4, 6, 12];

    /// <summary>face-api's detector, 512x512, with its own anchors.</summary>
    public static GraphBuilder Build(IReadOnlyDictionary<string, WeightTensor> w) => Build(w, 512);

    /// <summary>
    /// The same network at a 256x256 input, for small pictures: a quarter of the work. The convolutions see pixels, so
    /// the anchors keep their size in pixels: twice the relative size, on the coarser grids of the smaller input.
    /// </summary>
    public static GraphBuilder BuildSmall(IReadOnlyDictionary<string, WeightTensor> w) => Build(w, 256);

    private static GraphBuilder Build(IReadOnlyDictionary<string, WeightTensor> w, int size)
    {
        var g = new GraphBuilder(size == 512 ? "ssd_mobilenetv1" : $"ssd_mobilenetv1_{size}");
        var image = g.Input("image", 3, size);
        var x = new Feature(g.Node("Sub", [g.Node("Div", [image.Name, g.Scalar(127.5f)]), g.Scalar(1f)]), 3, size, size);

        x = Pointwise(g, w, x, "MobilenetV1/Conv2d_0_pointwise", 2);
        Feature conv11 = default;
        for (var layer = 1; layer <= 13; layer++)
        {
            x = Depthwise(g, w, x, $"MobilenetV1/Conv2d_{layer}_depthwise", s_strideTwoLayers.Contains(layer) ? 2 : 1);
            x = Pointwise(g, w, x, $"MobilenetV1/Conv2d_{layer}_pointwise", 1);
            if (layer == 11)
            {
                conv11 = x;
            }
        }

        var extra = new Feature[8];
        var input = x;
        for (var i = 0; i < 8; i++)
        {
            input = extra[i] = Pointwise(g, w, input, $"Prediction/Conv2d_{i}_pointwise", i % 2 == 1 ? 2 : 1);
        }

        Feature[] heads = [conv11, x, extra[1], extra[3], extra[5], extra[7]];
        var boxEncodings = new List<string>();
        var classLogits = new List<string>();
        for (var i = 0; i < heads.Length; i++)
        {
            boxEncodings.Add(Head(g, w, heads[i], $"Prediction/BoxPredictor_{i}/BoxEncodingPredictor", 4));
            classLogits.Add(Head(g, w, heads[i], $"Prediction/BoxPredictor_{i}/ClassPredictor", 3));
        }
        var encodings = g.Node("Concat", [.. boxEncodings], GraphBuilder.Int("axis", 1));
        var logits = g.Node("Concat", [.. classLogits], GraphBuilder.Int("axis", 1));

        var anchors = size == 512 ? w["Output/extra_dim"].Values : PixelConsistentAnchors(w["Output/extra_dim"].Values, heads, 512.0f / size);
        var count = anchors.Length / 4;
        g.NameOutput(DecodeBoxes(g, encodings, anchors), "boxes");
        var faceLogit = g.Node("Slice", [logits, g.Int64Constant("starts", 1), g.Int64Constant("ends", 2), g.Int64Constant("axes", 2)]);
        var scores = g.Node("Reshape", [g.Node("Sigmoid", [faceLogit]), g.Int64Constant("shape", 0, -1)]);
        g.NameOutput(scores, "scores");
        g.Output("boxes", -1, count, 4);
        g.Output("scores", -1, count);
        return g;
    }

    private static Feature Pointwise(GraphBuilder g, IReadOnlyDictionary<string, WeightTensor> w, Feature x, string prefix, int stride)
    {
        var filter = w[prefix + "/weights"];
        var conv = g.Conv(x, prefix, filter.Shape, filter.Values, w[prefix + "/convolution_bn_offset"].Values, stride, same: true);
        return g.Relu6(conv);
    }

    private static Feature Depthwise(GraphBuilder g, IReadOnlyDictionary<string, WeightTensor> w, Feature x, string prefix, int stride)
    {
        var filter = w[prefix + "/depthwise_weights"];
        var (folded, bias) = Folding.BatchNorm(filter.Values, x.Channels,
            w[prefix + "/BatchNorm/gamma"].Values, w[prefix + "/BatchNorm/beta"].Values,
            w[prefix + "/BatchNorm/moving_mean"].Values, w[prefix + "/BatchNorm/moving_variance"].Values, BatchNormEpsilon);
        return g.Relu6(g.Conv(x, prefix, filter.Shape, folded, bias, stride, same: true, depthwise: true));
    }

    /// <summary>1x1 conv + bias, then NHWC order flattened to [N, H*W*anchors, values], as TF reshapes it.</summary>
    private static string Head(GraphBuilder g, IReadOnlyDictionary<string, WeightTensor> w, Feature x, string prefix, int valuesPerAnchor)
    {
        var filter = w[prefix + "/weights"];
        var conv = g.Conv(x, prefix, filter.Shape, filter.Values, w[prefix + "/biases"].Values, 1, same: true);
        var nhwc = g.Node("Transpose", [conv.Name], GraphBuilder.Ints("perm", 0, 2, 3, 1));
        return g.Node("Reshape", [nhwc, g.Int64Constant("shape", 0, -1, valuesPerAnchor)]);
    }

    /// <summary>
    /// Anchors for a smaller input: per prediction layer, the 512 model's anchor shapes (read from its first cell)
    /// scaled by <paramref name="scale"/>, centred on the cells of that layer's grid at the smaller input.
    /// </summary>
    private static float[] PixelConsistentAnchors(float[] anchors512, Feature[] heads, float scale)
    {
        int[] grids512 = [32, 16, 8, 4, 2, 1];
        int[] perCell = [3, 6, 6, 6, 6, 6];
        var result = new List<float>();
        var offset = 0;
        for (var layer = 0; layer < heads.Length; layer++)
        {
            var grid = heads[layer].Height;
            for (var row = 0; row < grid; row++)
                for (var column = 0; column < grid; column++)
                    for (var a = 0; a < perCell[layer]; a++)
                    {
                        var shape = anchors512.AsSpan((offset + a) * 4, 4);
                        var height = (shape[2] - shape[0]) * scale;
                        var width = (shape[3] - shape[1]) * scale;
                        var centreY = (row + 0.5f) / grid;
                        var centreX = (column + 0.5f) / grid;
                        result.AddRange([centreY - (height / 2), centreX - (width / 2), centreY + (height / 2), centreX + (width / 2)]);
                    }
            offset += grids512[layer] * grids512[layer] * perCell[layer];
        }
        return [.. result];
    }

    /// <summary>face-api's outputLayer decode, op for op: centre/size of each anchor, offsets scaled by 10 and 5.</summary>
    private static string DecodeBoxes(GraphBuilder g, string encodings, float[] anchorBoxes)
    {
        var count = anchorBoxes.Length / 4;
        var (sizeY, sizeX, centreY, centreX) = (new float[count], new float[count], new float[count], new float[count]);
        for (var i = 0; i < count; i++)
        {
            var a = anchorBoxes.AsSpan(i * 4, 4);
            sizeY[i] = a[2] - a[0];
            sizeX[i] = a[3] - a[1];
            centreY[i] = a[0] + (sizeY[i] / 2f);
            centreX[i] = a[1] + (sizeX[i] / 2f);
        }
        var h = g.Constant("anchor_height", sizeY, 1, count, 1);
        var wd = g.Constant("anchor_width", sizeX, 1, count, 1);
        var cy = g.Constant("anchor_centre_y", centreY, 1, count, 1);
        var cx = g.Constant("anchor_centre_x", centreX, 1, count, 1);

        var parts = g.NodeWithOutputs("Split", [encodings], 4, GraphBuilder.Int("axis", 2));
        string Half(string t, string size) =>
            g.Node("Div", [g.Node("Mul", [g.Node("Exp", [g.Node("Div", [t, g.Scalar(5f)])]), size]), g.Scalar(2f)]);
        string Centre(string t, string size, string centre) =>
            g.Node("Add", [g.Node("Mul", [g.Node("Div", [t, g.Scalar(10f)]), size]), centre]);

        var halfY = Half(parts[2], h);
        var y = Centre(parts[0], h, cy);
        var halfX = Half(parts[3], wd);
        var x = Centre(parts[1], wd, cx);
        return g.Node("Concat",
            [g.Node("Sub", [y, halfY]), g.Node("Sub", [x, halfX]), g.Node("Add", [y, halfY]), g.Node("Add", [x, halfX])],
            GraphBuilder.Int("axis", 2));
    }
}
