namespace FaceRecognition.Emulator.CloudWatch;

/// <summary>A metric's identity: namespace, name and dimensions (sorted by name).</summary>
internal sealed record MetricId(string Namespace, string Name, IReadOnlyList<KeyValuePair<string, string>> Dimensions)
{
    public static MetricId Of(string ns, string name, params (string Name, string Value)[] dimensions) =>
        new(ns, name, [.. dimensions.OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => KeyValuePair.Create(d.Name, d.Value))]);

    public bool Equals(MetricId? other) =>
        other is not null && Namespace == other.Namespace && Name == other.Name && Dimensions.SequenceEqual(other.Dimensions);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Namespace);
        hash.Add(Name);
        foreach (var dimension in Dimensions) hash.Add(dimension);
        return hash.ToHashCode();
    }
}

/// <summary>Statistics of the samples of one metric in one interval.</summary>
internal readonly record struct Statistics(double SampleCount, double Sum, double Minimum, double Maximum)
{
    public static Statistics Of(double value) => new(1, value, value, value);

    public Statistics Add(Statistics other) =>
        new(SampleCount + other.SampleCount, Sum + other.Sum, Math.Min(Minimum, other.Minimum), Math.Max(Maximum, other.Maximum));

    public double? Get(string statistic) => statistic switch
    {
        "SampleCount" => SampleCount,
        "Sum" => Sum,
        "Minimum" => Minimum,
        "Maximum" => Maximum,
        "Average" => SampleCount == 0 ? 0 : Sum / SampleCount,
        _ => null,
    };
}

/// <summary>
/// CloudWatch's metrics, as the emulator keeps them: what services publish (Lambda's standard metrics), aggregated per
/// metric and minute, in memory for the last day (CloudWatch keeps minute data for 15 days; the emulator's are gone
/// at a restart).
/// </summary>
internal sealed class MetricStore(TimeProvider clock)
{
    private static readonly TimeSpan s_retention = TimeSpan.FromDays(1);
    private readonly Dictionary<MetricId, SortedDictionary<long, Statistics>> _metrics = [];
    private readonly Lock _gate = new();

    public void Put(MetricId metric, double value, DateTimeOffset? at = null)
    {
        var minute = (at ?? clock.GetUtcNow()).ToUnixTimeSeconds() / 60 * 60;
        lock (_gate)
        {
            if (!_metrics.TryGetValue(metric, out var minutes)) _metrics[metric] = minutes = [];
            minutes[minute] = minutes.TryGetValue(minute, out var current) ? current.Add(Statistics.Of(value)) : Statistics.Of(value);
            var oldest = clock.GetUtcNow().Subtract(s_retention).ToUnixTimeSeconds();
            while (minutes.Count > 0 && minutes.First().Key < oldest) minutes.Remove(minutes.First().Key);
        }
    }

    /// <summary>The metric's statistics per period of <paramref name="periodSeconds"/> (aligned to multiples of it) from
    /// <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive); periods without samples are left out.</summary>
    public IReadOnlyList<(long PeriodStart, Statistics Statistics)> Query(MetricId metric, DateTimeOffset start, DateTimeOffset end, int periodSeconds)
    {
        lock (_gate)
        {
            if (!_metrics.TryGetValue(metric, out var minutes)) return [];
            var from = start.ToUnixTimeSeconds();
            var to = end.ToUnixTimeSeconds();
            return [.. minutes.Where(m => m.Key >= from / 60 * 60 && m.Key < to)
                .GroupBy(m => m.Key / periodSeconds * periodSeconds)
                .Select(g => (g.Key, g.Select(m => m.Value).Aggregate((a, b) => a.Add(b))))
                .OrderBy(p => p.Key)];
        }
    }

    public IReadOnlyList<MetricId> List()
    {
        lock (_gate) return [.. _metrics.Keys];
    }
}
