using System.Numerics.Tensors;

namespace FaceRecognition.RecognitionBench;

/// <summary>How a probe is compared with an identity that has several enrolled faces.</summary>
internal enum MatchRule
{
    /// <summary>Distance to the identity's nearest enrolled face (what the gallery does).</summary>
    Nearest,
    /// <summary>Distance to the mean of the identity's enrolled descriptors.</summary>
    Mean,
}

/// <summary>A decision rule: compare by <see cref="Rule"/>, accept the nearest identity within <see cref="Threshold"/>
/// when the second-nearest identity is at least <see cref="Margin"/> further away.</summary>
internal sealed record DecisionRule(MatchRule Rule, double Threshold, double Margin = 0);

/// <summary>An enrolled face.</summary>
internal sealed record Enrolled(string Person, float[] Descriptor);

/// <summary>What one probe was answered.</summary>
internal enum Outcome { Correct, Wrong, Unknown }

/// <summary>One-to-many decisions over a gallery of enrolled faces.</summary>
internal static class Identification
{
    /// <summary>The accepted identity (null: Unknown) and the distance to the nearest identity.</summary>
    public static (string? Person, double Distance) Decide(IReadOnlyList<Enrolled> gallery, float[] probe, DecisionRule rule)
    {
        var ranked = gallery.GroupBy(e => e.Person)
            .Select(g => (Person: g.Key, Distance: (double)(rule.Rule == MatchRule.Nearest
                ? g.Min(e => TensorPrimitives.Distance(e.Descriptor, probe))
                : TensorPrimitives.Distance(Mean([.. g.Select(e => e.Descriptor)]), probe))))
            .OrderBy(c => c.Distance)
            .ToArray();
        if (ranked.Length == 0)
        {
            return (null, double.PositiveInfinity);
        }
        var best = ranked[0];
        var clear = ranked.Length == 1 || ranked[1].Distance - best.Distance >= rule.Margin;
        return (best.Distance <= rule.Threshold && clear ? best.Person : null, best.Distance);
    }

    public static Outcome Judge(string? answer, string? expected) =>
        answer is null ? Outcome.Unknown : answer == expected ? Outcome.Correct : Outcome.Wrong;

    public static float[] Mean(IReadOnlyList<float[]> descriptors)
    {
        var mean = new float[descriptors[0].Length];
        foreach (var descriptor in descriptors)
        {
            TensorPrimitives.Add(mean, descriptor, mean);
        }
        TensorPrimitives.Divide(mean, descriptors.Count, mean);
        return mean;
    }
}
