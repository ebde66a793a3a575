namespace FaceRecognition.RecognitionBench;

/// <summary>
/// The enrolment limits read from the quality samples. A degraded face is still trustworthy while its descriptor
/// moved (drift) no further than <see cref="Room"/>: the match threshold less the median genuine distance, the room a
/// typical pair of the same person has before it is refused. Each limit is the value of its measure that best
/// separates trustworthy from untrustworthy degraded faces (fewest on the wrong side), lowered (raised for the turn)
/// where it would refuse a real face the engine identified right. Sharpness is rounded down to a multiple of 5 and the
/// turn up to one of 0.05, in favour of accepting.
/// </summary>
internal sealed record EnrolmentLimits(double Room, double MinFaceSize, double MinSharpness, double MaxTurn, string SharpnessNote, string TurnNote)
{
    public static EnrolmentLimits Read(IReadOnlyList<QualitySample> samples, double threshold, double medianGenuine)
    {
        var room = threshold - medianGenuine;
        var real = samples.Where(s => s.Experiment.StartsWith("real", StringComparison.Ordinal) && s.Decides && s.Quality is not null).ToArray();

        var size = BestSeparation(samples.Where(s => s.Experiment == "size"), q => q.Size, room);
        var realSize = real.Min(s => s.Quality!.Value.Size);

        var sharpness = BestSeparation(samples.Where(s => s.Experiment == "blur"), q => q.Sharpness, room);
        var realSharpness = real.Min(s => s.Quality!.Value.Sharpness);
        var sharpnessNote = sharpness <= realSharpness
            ? "the best separation of the blurred faces"
            : $"lowered from {sharpness:0} (the best separation of the blurred faces) to below the softest face identified right, {realSharpness:0.0}";
        sharpness = Math.Floor(Math.Min(sharpness, realSharpness) / 5) * 5;

        var mostTurned = real.Max(s => s.Quality!.Value.Turn);
        var turn = Math.Ceiling(mostTurned * 20) / 20;
        var turnNote = $"no degradation here turns a head, so the limit is the most turned face identified right, {mostTurned:0.00}, rounded up to 0.05";
        return new EnrolmentLimits(room, Math.Min(size, realSize), sharpness, turn, sharpnessNote, turnNote);
    }

    /// <summary>The lower limit on a measure that leaves the fewest degraded faces on the wrong side: trustworthy ones below it,
    /// untrustworthy ones (or faces no longer found) at or above it.</summary>
    private static double BestSeparation(IEnumerable<QualitySample> degraded, Func<Vision.Quality.FaceQuality, double> measure, double room)
    {
        var found = degraded.Where(s => s.Quality is not null).Select(s => (Value: measure(s.Quality!.Value), Trusted: s.Drift <= room)).ToArray();
        return found.Select(f => f.Value).Distinct().Order()
            .MinBy(limit => found.Count(f => f.Trusted && f.Value < limit) + found.Count(f => !f.Trusted && f.Value >= limit));
    }
}
