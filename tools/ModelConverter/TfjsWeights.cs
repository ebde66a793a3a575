using System.Text.Json;

namespace FaceRecognition.ModelConverter;

/// <summary>One weight tensor of a TF.js model, dequantized to float32, in its TF.js shape (HWIO for filters).</summary>
internal sealed record WeightTensor(string Name, int[] Shape, float[] Values)
{
    public int Count => Values.Length;
}

/// <summary>
/// Reads a TF.js weights manifest and its .bin shards: tensors are packed back to back in manifest order; uint8
/// quantized ones decode as (float)(q * scale + min) computed in double, exactly as tfjs io_utils.decodeWeight does.
/// </summary>
internal static class TfjsWeights
{
    public static IReadOnlyDictionary<string, WeightTensor> Load(string modelDirectory, string modelName)
    {
        var manifestPath = Path.Combine(modelDirectory, modelName + "-weights_manifest.json");
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
        var tensors = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (var group in manifest.RootElement.EnumerateArray())
        {
            var bytes = group.GetProperty("paths").EnumerateArray()
                .SelectMany(path => File.ReadAllBytes(Path.Combine(modelDirectory, path.GetString()!)))
                .ToArray();
            var offset = 0;
            foreach (var entry in group.GetProperty("weights").EnumerateArray())
            {
                var tensor = Decode(entry, bytes, ref offset);
                tensors.Add(tensor.Name, tensor);
            }
            if (offset != bytes.Length)
            {
                throw new InvalidDataException($"{modelName}: manifest describes {offset} bytes, shards hold {bytes.Length}.");
            }
        }
        return tensors;
    }

    private static WeightTensor Decode(JsonElement entry, byte[] bytes, ref int offset)
    {
        var name = entry.GetProperty("name").GetString()!;
        var shape = entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
        var dtype = entry.GetProperty("dtype").GetString();
        var count = shape.Aggregate(1, (a, b) => a * b);
        var values = new float[count];
        if (entry.TryGetProperty("quantization", out var quantization))
        {
            if (quantization.GetProperty("dtype").GetString() != "uint8")
            {
                throw new InvalidDataException($"{name}: only uint8 quantization is used by these models.");
            }
            var scale = quantization.GetProperty("scale").GetDouble();
            var min = quantization.GetProperty("min").GetDouble();
            for (var i = 0; i < count; i++)
            {
                var value = bytes[offset + i] * scale + min;
                values[i] = dtype == "int32" ? (float)Math.Floor(value + 0.5) : (float)value;
            }
            offset += count;
        }
        else
        {
            if (dtype != "float32")
            {
                throw new InvalidDataException($"{name}: unquantized {dtype} is not used by these models.");
            }
            for (var i = 0; i < count; i++)
            {
                values[i] = BitConverter.ToSingle(bytes, offset + (i * 4));
            }
            offset += count * 4;
        }
        return new WeightTensor(name, shape, values);
    }
}
