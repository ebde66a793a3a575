using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace FaceRecognition.Bench.Video;

/// <summary>Durations of a set of invocations: average, median, 99th percentile, maximum.</summary>
internal sealed record Durations(IReadOnlyList<double> Values)
{
    public int Count => Values.Count;
    public double Average => Values.Count == 0 ? 0 : Values.Average();
    public double Percentile(double p) => Values.Count == 0 ? 0 : Values.Order().ElementAt(Math.Min(Values.Count - 1, (int)Math.Ceiling(p / 100 * Values.Count) - 1));

    public override string ToString() => Values.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture,
        $"{Average:F0} / {Percentile(50):F0} / {Percentile(99):F0} / {Values.Max():F0} ms ({Count})");
}

/// <summary>One function's figures after a run, as Lambda accounts them: every invocation's duration and every
/// environment's initialisation from the REPORT lines of its log (warm invocations are those without an init), and the
/// peak of invocations at once, read from the emulator's Lambda.</summary>
internal sealed partial record FunctionFigures(Durations All, Durations Warm, Durations Init, int PeakRunning)
{
    public Durations Cold => Init;

    public string ColdStarts => Init.Count == 0 ? "0" : string.Create(CultureInfo.InvariantCulture, $"{Init.Count} ({Init.Percentile(50):F0} / {Init.Values.Max():F0} ms)");

    public static async Task<FunctionFigures> ReadAsync(BenchAppHost run, string function)
    {
        using var emulator = run.EmulatorAdmin();
        var lines = await emulator.GetFromJsonAsync<LogLine[]>($"_emulator/lambda/functions/{function}/logs") ?? [];
        var reports = lines.Select(l => ReportLine().Match(l.Text)).Where(m => m.Success).ToList();
        var all = reports.Select(m => Number(m.Groups["duration"].Value)).ToList();
        var warm = reports.Where(m => !m.Groups["init"].Success).Select(m => Number(m.Groups["duration"].Value)).ToList();
        var init = reports.Where(m => m.Groups["init"].Success).Select(m => Number(m.Groups["init"].Value)).ToList();
        var status = (await emulator.GetFromJsonAsync<Status[]>("_emulator/lambda/functions") ?? []).Single(s => s.Name == function);
        return new FunctionFigures(new Durations(all), new Durations(warm), new Durations(init), status.PeakRunning);
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^REPORT RequestId: \S+\tDuration: (?<duration>[0-9.]+) ms.*?(\tInit Duration: (?<init>[0-9.]+) ms)?$")]
    private static partial Regex ReportLine();

    private sealed record LogLine([property: JsonPropertyName("text")] string Text);

    private sealed record Status([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("peakRunning")] int PeakRunning);
}
