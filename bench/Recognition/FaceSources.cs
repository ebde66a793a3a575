using System.Diagnostics;
using System.Text.Json;
using FaceRecognition.Bench;
using FaceRecognition.Vision;
using Microsoft.Extensions.Options;

namespace FaceRecognition.RecognitionBench;

/// <summary>One face as a recogniser saw it: detector score, box area, and its descriptor.</summary>
internal sealed record SeenFace(double Score, double Area, float[] Descriptor);

/// <summary>Every face each recogniser found in each picture, keyed by picture path.</summary>
internal sealed class FaceSources
{
    private static readonly double s_confidentScore = new VisionOptions().ConfidentScore;

    /// <summary>The face a picture's answer is about, chosen as the engine chooses (the largest confident face, else the largest).</summary>
    public static SeenFace? AnswerFace(IReadOnlyList<SeenFace> faces)
    {
        var confident = faces.Where(f => f.Score >= s_confidentScore).ToArray();
        return (confident.Length > 0 ? confident : faces).MaxBy(f => f.Area);
    }

    /// <summary>The engine with its defaults but for <paramref name="mirrorAveraged"/>.</summary>
    public static Dictionary<string, IReadOnlyList<SeenFace>> Engine(IReadOnlyList<string> pictures, bool mirrorAveraged)
    {
        using var engine = new FaceRecognizer(Options.Create(new VisionOptions { MirrorAveragedDescriptors = mirrorAveraged }));
        return pictures.ToDictionary(p => p, p => (IReadOnlyList<SeenFace>)[.. engine.Analyze(engine.Decode(File.ReadAllBytes(p)))
            .Select(f => new SeenFace(f.Score, f.Box.Area, f.Descriptor))]);
    }

    /// <summary>
    /// Milliseconds per picture (decode to descriptors) without and with mirror-averaged descriptors: passes over all
    /// pictures alternating between the two engines after a warm-up pass of each; the median pass of each.
    /// </summary>
    public static (double Plain, double Mirrored) Cost(IReadOnlyList<byte[]> bytes, int passes = 3)
    {
        using var plain = new FaceRecognizer(Options.Create(new VisionOptions { MirrorAveragedDescriptors = false }));
        using var mirrored = new FaceRecognizer(Options.Create(new VisionOptions { MirrorAveragedDescriptors = true }));
        double Pass(FaceRecognizer engine)
        {
            var start = Stopwatch.GetTimestamp();
            foreach (var picture in bytes)
            {
                engine.Analyze(engine.Decode(picture));
            }
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds / bytes.Count;
        }
        _ = Pass(plain); // warm-up: JIT and ONNX Runtime
        _ = Pass(mirrored);
        var (plainPasses, mirroredPasses) = (new List<double>(), new List<double>());
        for (var i = 0; i < passes; i++)
        {
            plainPasses.Add(Pass(plain));
            mirroredPasses.Add(Pass(mirrored));
        }
        return (plainPasses.Order().ElementAt(passes / 2), mirroredPasses.Order().ElementAt(passes / 2));
    }

    /// <summary>face-api 1.7.15 on TensorFlow.js (tools/reference, <c>node reference.js describe</c>), minConfidence 0.5.</summary>
    public static Dictionary<string, IReadOnlyList<SeenFace>> FaceApi(IEnumerable<string> pictures, string repository)
    {
        var script = Path.Combine(repository, "tools", "reference", "reference.js");
        var output = BenchProcess.Run("node", [script, "describe", .. pictures]);
        var seen = new Dictionary<string, IReadOnlyList<SeenFace>>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            seen[root.GetProperty("image").GetString()!] = [.. root.GetProperty("faces").EnumerateArray().Select(f =>
            {
                var box = f.GetProperty("box").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                var descriptor = f.GetProperty("descriptor").EnumerateArray().Select(v => v.GetSingle()).ToArray();
                return new SeenFace(f.GetProperty("score").GetDouble(), box[2] * box[3], descriptor);
            })];
        }
        return seen;
    }
}
