namespace FaceRecognition.RecognitionBench;

/// <summary>
/// A threshold chosen from probes' genuine and impostor distances: where every genuine distance lies below every
/// impostor distance, the middle of that gap (the most room for unseen pictures on both sides), rounded to 0.01;
/// otherwise the threshold with the fewest errors of both kinds.
/// </summary>
internal sealed record OperatingPoint(double Threshold, double LargestGenuine, double SmallestImpostor)
{
    public bool Separates => LargestGenuine < SmallestImpostor;

    public static OperatingPoint Choose(IReadOnlyList<Distances.Probe> probes)
    {
        var genuine = probes.Max(p => p.Genuine);
        var impostor = probes.Min(p => p.Impostor);
        if (genuine < impostor)
        {
            return new OperatingPoint(Math.Round((genuine + impostor) / 2, 2), genuine, impostor);
        }
        var fewestErrors = probes.SelectMany(p => new[] { p.Genuine, p.Impostor - 1e-6 })
            .MinBy(t => probes.Count(p => p.Genuine > t) + probes.Count(p => p.Impostor <= t));
        return new OperatingPoint(Math.Round(fewestErrors, 2), genuine, impostor);
    }

    /// <summary>Probes whose own identity lies past the threshold, and probes that would be taken for someone else if
    /// their own identity were not enrolled.</summary>
    public (int FalseRejects, int FalseAccepts) ErrorsOn(IEnumerable<Distances.Probe> probes, double? threshold = null)
    {
        var t = threshold ?? Threshold;
        var list = probes.ToArray();
        return (list.Count(p => p.Genuine > t), list.Count(p => p.Impostor <= t));
    }
}
