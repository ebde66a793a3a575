using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;

namespace FaceRecognition.LoadGen;

/// <summary>What a load run does: like the original workload generator, N requests from C concurrent clients.</summary>
public sealed record LoadSettings(Uri Url, string ImageFolder, IReadOnlyDictionary<string, string> Labels, int Requests, int Concurrency, int Retries);

/// <summary>The outcome: how many answers were right, wrong or failed, and how long it all took.</summary>
public sealed record LoadSummary(int Requests, int Correct, int Wrong, int Errors, int Retried, double TotalSeconds,
    double P50Ms, double P90Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public string ToText() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"requests {Requests}: correct {Correct}, wrong {Wrong}, errors {Errors} (retried {Retried}); total {TotalSeconds:F2} s; " +
        $"latency p50 {P50Ms:F0} ms, p90 {P90Ms:F0} ms, p99 {P99Ms:F0} ms, max {MaxMs:F0} ms, mean {MeanMs:F0} ms");
}

/// <summary>
/// Posts pictures to the original contract (<c>POST /</c>, field <c>inputFile</c>) and checks each <c>stem:name</c>
/// answer against the label table. Picture i of the run is <c>test_{i mod count}</c> in file order, as the original
/// generator cycles through its folder; failed requests are retried up to <see cref="LoadSettings.Retries"/> times.
/// </summary>
public static class LoadRun
{
    public static async Task<LoadSummary> RunAsync(LoadSettings settings, HttpClient http, CancellationToken cancellationToken)
    {
        var files = Directory.EnumerateFiles(settings.ImageFolder)
            .Where(f => settings.Labels.ContainsKey(Path.GetFileNameWithoutExtension(f)))
            .Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
        {
            throw new InvalidOperationException($"No picture in {settings.ImageFolder} has a label.");
        }
        var pictures = files.Select(f => (Name: Path.GetFileName(f), Bytes: File.ReadAllBytes(f))).ToArray();
        var latencies = new ConcurrentBag<double>();
        int correct = 0, wrong = 0, errors = 0, retried = 0;

        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Requests),
            new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var (name, bytes) = pictures[i % pictures.Length];
                var stem = Path.GetFileNameWithoutExtension(name);
                for (var attempt = 0; ; attempt++)
                {
                    var begun = Stopwatch.GetTimestamp();
                    var answer = await PostAsync(http, settings.Url, name, bytes, ct);
                    latencies.Add(Stopwatch.GetElapsedTime(begun).TotalMilliseconds);
                    if (answer is not null)
                    {
                        Interlocked.Increment(ref answer == $"{stem}:{settings.Labels[stem]}" ? ref correct : ref wrong);
                        return;
                    }
                    if (attempt >= settings.Retries)
                    {
                        Interlocked.Increment(ref errors);
                        return;
                    }
                    Interlocked.Increment(ref retried);
                }
            });
        var total = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var sorted = latencies.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new LoadSummary(settings.Requests, correct, wrong, errors, retried, total,
            Percentile(0.5), Percentile(0.9), Percentile(0.99), sorted.LastOrDefault(), sorted.Length == 0 ? 0 : sorted.Average());
    }

    /// <returns>The answer text of a 200, or null for any failure (which the caller may retry).</returns>
    private static async Task<string?> PostAsync(HttpClient http, Uri url, string fileName, byte[] bytes, CancellationToken cancellationToken)
    {
        try
        {
            using var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            using var form = new MultipartFormDataContent { { file, "inputFile", fileName } };
            using var response = await http.PostAsync(url, form, cancellationToken);
            return response.IsSuccessStatusCode ? (await response.Content.ReadAsStringAsync(cancellationToken)).Trim() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>An <c>Image,Results</c> table (header first), as the original workload's labels.</summary>
    public static Dictionary<string, string> ReadLabels(string csv) =>
        File.ReadLines(csv).Skip(1).Select(l => l.Trim().Split(',')).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}
