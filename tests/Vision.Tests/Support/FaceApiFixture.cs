using System.Text.Json;

namespace FaceRecognition.Vision.Tests.Support;

/// <summary>What face-api (tfjs-wasm) computed for one picture: tools/reference/reference.js writes these files.</summary>
public sealed record FaceApiFixture(string Image, string Sha256, int Width, int Height, string PixelsSha256, float MinConfidence,
    FaceApiFace[] Faces, FaceApiNets? Nets)
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNameCaseInsensitive = true };

    public static FaceApiFixture Load(string stem) =>
        JsonSerializer.Deserialize<FaceApiFixture>(File.ReadAllText(TestData.Fixtures("face-api", stem + ".json")), s_json)!;

    public static IEnumerable<string> Stems() =>
        Directory.EnumerateFiles(TestData.Fixtures("face-api"), "*.json").Select(Path.GetFileNameWithoutExtension)
            .Where(stem => stem != "resize-checks").Order()!;
}

public sealed record FaceApiFace(double Score, double[] Box, double[][] Landmarks, double[] AlignedBox, float[] Descriptor);

public sealed record FaceApiNets(FaceApiSsd Ssd, FaceApiNetOutput Landmarks, FaceApiNetOutput Descriptor);

public sealed record FaceApiSsd(string Input, FaceApiAnchor[] Anchors, FaceApiFace[] Faces);

public sealed record FaceApiAnchor(int Index, float Score, float[] Box);

public sealed record FaceApiNetOutput(string Input, float[] Output);
