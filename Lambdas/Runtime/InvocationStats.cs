using System.Text.Json.Serialization;

namespace FaceRecognition.Lambdas.Runtime;

/// <summary>What a function host has done since it started: the figures the original graded (average duration,
/// concurrent executions), served locally at <c>/stats</c>.</summary>
public sealed class InvocationStats
{
    private const int MaxKept = 100_000;
    private readonly Lock _lock = new();
    private readonly List<double> _durations = [];
    private int _running;
    private int _peak;
    private int _failures;

    public void Started()
    {
        lock (_lock)
        {
            _running++;
            _peak = Math.Max(_peak, _running);
        }
    }

    public void Finished(double milliseconds, bool failed)
    {
        lock (_lock)
        {
            _running--;
            if (_durations.Count < MaxKept)
            {
                _durations.Add(milliseconds);
            }
            if (failed)
            {
                _failures++;
            }
        }
    }

    public StatsSnapshot Snapshot(string function)
    {
        lock (_lock)
        {
            var sorted = _durations.Order().ToArray();
            return new StatsSnapshot(function, sorted.Length, _failures, _peak, _running,
                sorted.Length == 0 ? 0 : Math.Round(sorted.Average(), 1), Percentile(sorted, 0.5), Percentile(sorted, 0.99),
                sorted.Length == 0 ? 0 : Math.Round(sorted[^1], 1));
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)], 1);
}

public sealed record StatsSnapshot(
    [property: JsonPropertyName("function")] string Function,
    [property: JsonPropertyName("invocations")] int Invocations,
    [property: JsonPropertyName("failures")] int Failures,
    [property: JsonPropertyName("peakConcurrency")] int PeakConcurrency,
    [property: JsonPropertyName("running")] int Running,
    [property: JsonPropertyName("averageMs")] double AverageMs,
    [property: JsonPropertyName("medianMs")] double MedianMs,
    [property: JsonPropertyName("p99Ms")] double P99Ms,
    [property: JsonPropertyName("maxMs")] double MaxMs);

[JsonSerializable(typeof(StatsSnapshot))]
public sealed partial class StatsJson : JsonSerializerContext;
