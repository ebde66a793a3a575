using System.Numerics.Tensors;

namespace FaceRecognition.RecognitionBench;

/// <summary>A pair's descriptor distance; null when either photo has no face (a genuine pair then counts as rejected).</summary>
internal sealed record PairDistance(PhotoPair Pair, float? Distance);

/// <summary>False accepts of impostor pairs and false rejects of genuine pairs at one threshold.</summary>
internal sealed record ErrorRates(double Threshold, int FalseAccepts, int Impostors, int FalseRejects, int Genuine)
{
    public double FalseAcceptRate => (double)FalseAccepts / Impostors;

    public double FalseRejectRate => (double)FalseRejects / Genuine;
}

/// <summary>One-to-one decisions: are two pictures the same person (distance at most the threshold)?</summary>
internal static class Verification
{
    public static PairDistance[] Distances(IEnumerable<PhotoPair> pairs, Func<string, float[]?> describe) =>
        [.. pairs.Select(p => (describe(p.First), describe(p.Second)) is ({ } a, { } b)
            ? new PairDistance(p, TensorPrimitives.Distance(a, b))
            : new PairDistance(p, null))];

    public static ErrorRates At(IReadOnlyList<PairDistance> distances, double threshold) => new(
        threshold,
        distances.Count(d => !d.Pair.SamePerson && d.Distance <= threshold),
        distances.Count(d => !d.Pair.SamePerson),
        distances.Count(d => d.Pair.SamePerson && !(d.Distance <= threshold)),
        distances.Count(d => d.Pair.SamePerson));

    /// <summary>
    /// The rate where false accepts and false rejects are equal: both are step functions of the threshold, so this is
    /// the crossing of their curves, linearly interpolated between the two measured distances that bracket it.
    /// </summary>
    public static (double Rate, double Threshold) EqualErrorRate(IReadOnlyList<PairDistance> distances)
    {
        var candidates = distances.Where(d => d.Distance is not null).Select(d => (double)d.Distance!.Value).Order().Distinct().ToArray();
        var previous = At(distances, 0);
        foreach (var threshold in candidates)
        {
            var current = At(distances, threshold);
            if (current.FalseAcceptRate >= current.FalseRejectRate)
            {
                // Between the previous step (FAR < FRR) and this one (FAR >= FRR) the two lines cross.
                var (far0, frr0, far1, frr1) = (previous.FalseAcceptRate, previous.FalseRejectRate, current.FalseAcceptRate, current.FalseRejectRate);
                var t = (frr0 - far0) / (far1 - far0 - (frr1 - frr0));
                return (far0 + t * (far1 - far0), previous.Threshold + t * (threshold - previous.Threshold));
            }
            previous = current;
        }
        return (previous.FalseRejectRate, previous.Threshold);
    }
}
