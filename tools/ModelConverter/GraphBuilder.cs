using Google.Protobuf;
using Onnx;

namespace FaceRecognition.ModelConverter;

/// <summary>A value in the graph with its static shape after the batch axis (channels, height, width).</summary>
internal readonly record struct Feature(string Name, int Channels, int Height, int Width);

/// <summary>
/// Builds an ONNX graph (opset 17) for an NCHW network with a dynamic batch axis. Every name is derived from a
/// counter and the TF.js tensor names, so the same weights always give the same bytes.
/// </summary>
internal sealed class GraphBuilder
{
    public const int Opset = 17;
    private readonly GraphProto _graph = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<float, string> _scalars = [];
    private int _nodeCount;

    public GraphBuilder(string name) => _graph.Name = name;

    public Feature Input(string name, int channels, int size)
    {
        _graph.Input.Add(ValueInfo(name, [-1, channels, size, size]));
        return new Feature(name, channels, size, size);
    }

    public void Output(string name, params long[] shape) => _graph.Output.Add(ValueInfo(name, shape));

    public ModelProto ToModel(string docString)
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "FaceRecognition.ModelConverter",
            ProducerVersion = "1",
            DocString = docString,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model;
    }

    public string Constant(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw data is little-endian.");
        }
        tensor.RawData = ByteString.CopyFrom(bytes);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    public string Int64Constant(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A float scalar initializer, shared by every node that uses the same value.</summary>
    public string Scalar(float value)
    {
        if (!_scalars.TryGetValue(value, out var name))
        {
            name = Constant($"scalar_{_scalars.Count}", [value]);
            _scalars.Add(value, name);
        }
        return name;
    }

    /// <summary>Adds a node and returns its (single) output name.</summary>
    public string Node(string opType, string[] inputs, params AttributeProto[] attributes) =>
        NodeWithOutputs(opType, inputs, 1, attributes)[0];

    public string[] NodeWithOutputs(string opType, string[] inputs, int outputCount, params AttributeProto[] attributes)
    {
        var index = _nodeCount++;
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{index}" };
        node.Input.AddRange(inputs);
        for (var i = 0; i < outputCount; i++)
        {
            node.Output.Add(Unique($"{opType.ToLowerInvariant()}_{index}" + (outputCount > 1 ? $"_{i}" : "")));
        }
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return [.. node.Output];
    }

    /// <summary>Renames the output of the last node that produced <paramref name="value"/> to a graph output name.</summary>
    public string NameOutput(string value, string outputName)
    {
        var node = _graph.Node.Last(n => n.Output.Contains(value));
        node.Output[node.Output.IndexOf(value)] = outputName;
        return outputName;
    }

    /// <summary>
    /// A 2-D convolution with TF semantics. <paramref name="filterHwio"/> is the TF.js filter, HWIO for a normal
    /// convolution or [kh, kw, C, 1] for a depthwise one; 'same' padding is made explicit the way TF computes it
    /// (the odd pixel goes after), which is ONNX SAME_UPPER.
    /// </summary>
    public Feature Conv(Feature x, string name, int[] shape, float[] filterHwio, float[]? bias, int stride, bool same, bool depthwise = false)
    {
        var (kh, kw, cin, cout) = (shape[0], shape[1], shape[2], shape[3]);
        var outChannels = depthwise ? cin : cout;
        var weights = depthwise ? DepthwiseToOnnx(filterHwio, kh, kw, cin) : HwioToOihw(filterHwio, kh, kw, cin, cout);
        long[] weightDims = depthwise ? [cin, 1, kh, kw] : [cout, cin, kh, kw];
        var inputs = new List<string> { x.Name, Constant(name + "/W", weights, weightDims) };
        if (bias is not null)
        {
            inputs.Add(Constant(name + "/B", bias, outChannels));
        }

        var (outH, padTop, padBottom) = Padding(x.Height, kh, stride, same);
        var (outW, padLeft, padRight) = Padding(x.Width, kw, stride, same);
        var output = Node("Conv", [.. inputs],
            Ints("kernel_shape", kh, kw),
            Ints("strides", stride, stride),
            Ints("pads", padTop, padLeft, padBottom, padRight),
            Int("group", depthwise ? cin : 1));
        return new Feature(output, outChannels, outH, outW);
    }

    public Feature Unary(string opType, Feature x) => x with { Name = Node(opType, [x.Name]) };

    public Feature Relu6(Feature x) =>
        x with { Name = Node("Clip", [x.Name, Scalar(0f), Scalar(6f)]) };

    public Feature Add(Feature a, Feature b) => a with { Name = Node("Add", [a.Name, b.Name]) };

    public Feature Pool(string opType, Feature x, int kernel, int stride)
    {
        var outH = ((x.Height - kernel) / stride) + 1;
        var outW = ((x.Width - kernel) / stride) + 1;
        var output = Node(opType, [x.Name], Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride));
        return new Feature(output, x.Channels, outH, outW);
    }

    /// <summary>Appends zeros after the existing data: <paramref name="channels"/> channels, and rows and columns.</summary>
    public Feature PadAfter(Feature x, int channels, int rows, int columns)
    {
        var pads = Int64Constant("pads", 0, 0, 0, 0, 0, channels, rows, columns);
        var output = Node("Pad", [x.Name, pads]);
        return new Feature(output, x.Channels + channels, x.Height + rows, x.Width + columns);
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static (int Output, int Before, int After) Padding(int input, int kernel, int stride, bool same)
    {
        if (!same)
        {
            return (((input - kernel) / stride) + 1, 0, 0);
        }
        var output = (input + stride - 1) / stride;
        var total = Math.Max(((output - 1) * stride) + kernel - input, 0);
        return (output, total / 2, total - (total / 2));
    }

    private static float[] HwioToOihw(float[] hwio, int kh, int kw, int cin, int cout)
    {
        var oihw = new float[hwio.Length];
        for (var h = 0; h < kh; h++)
            for (var w = 0; w < kw; w++)
                for (var i = 0; i < cin; i++)
                    for (var o = 0; o < cout; o++)
                    {
                        oihw[(((o * cin) + i) * kh + h) * kw + w] = hwio[(((h * kw) + w) * cin + i) * cout + o];
                    }
        return oihw;
    }

    private static float[] DepthwiseToOnnx(float[] hwc1, int kh, int kw, int channels)
    {
        var chw = new float[hwc1.Length];
        for (var h = 0; h < kh; h++)
            for (var w = 0; w < kw; w++)
                for (var c = 0; c < channels; c++)
                {
                    chw[((c * kh) + h) * kw + w] = hwc1[((h * kw) + w) * channels + c];
                }
        return chw;
    }

    private static ValueInfoProto ValueInfo(string name, long[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (var dim in shape)
        {
            tensorShape.Dim.Add(dim < 0
                ? new TensorShapeProto.Types.Dimension { DimParam = "N" }
                : new TensorShapeProto.Types.Dimension { DimValue = dim });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape },
            },
        };
    }

    private string Unique(string name)
    {
        var candidate = name;
        for (var i = 1; !_names.Add(candidate); i++)
        {
            candidate = $"{name}_{i}";
        }
        return candidate;
    }
}
