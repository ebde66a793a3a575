using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using FaceRecognition.Api;

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

/// <summary>How far a run has got, for a progress display.</summary>
public sealed record LoadProgress(int Done, int Requests, int Errors, int Retried, double Seconds);

/// <summary>
/// Posts pictures to the original contract (<c>POST /</c>, field <c>inputFile</c>) through the API's typed client and
/// checks each <c>stem:name</c> answer against the label table. Picture i of the run is <c>test_{i mod count}</c> in
/// file order, as the original generator cycles through its folder. A request the web tier turns away for now (503,
/// 429) is sent again after a back-off by the client; any other failure is retried up to
/// <see cref="LoadSettings.Retries"/> times; both count as retried.
/// </summary>
public static class LoadRun
{
    public static async Task<LoadSummary> RunAsync(LoadSettings settings, HttpClient http, CancellationToken cancellationToken,
        IProgress<LoadProgress>? progress = null)
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
        int correct = 0, wrong = 0, errors = 0, retried = 0, done = 0;
        var client = new FaceRecognitionClient(http, settings.Url, maxAttempts: settings.Retries + 1);
        client.Retrying += (_, _) => Interlocked.Increment(ref retried);

        var started = Stopwatch.GetTimestamp();
        void Report() => progress?.Report(new LoadProgress(Interlocked.Increment(ref done), settings.Requests, Volatile.Read(ref errors), Volatile.Read(ref retried),
            Stopwatch.GetElapsedTime(started).TotalSeconds));
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Requests),
            new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var (name, bytes) = pictures[i % pictures.Length];
                var stem = Path.GetFileNameWithoutExtension(name);
                for (var attempt = 0; ; attempt++)
                {
                    var begun = Stopwatch.GetTimestamp();
                    var (answer, retryable) = await PostAsync(client, name, bytes, ct);
                    latencies.Add(Stopwatch.GetElapsedTime(begun).TotalMilliseconds);
                    if (answer is not null)
                    {
                        Interlocked.Increment(ref answer == $"{stem}:{settings.Labels[stem]}" ? ref correct : ref wrong);
                        Report();
                        return;
                    }
                    if (!retryable || attempt >= settings.Retries)
                    {
                        Interlocked.Increment(ref errors);
                        Report();
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

    /// <returns>The answer text, or null for a failure, retryable unless the client already backed off and retried it.</returns>
    private static async Task<(string? Answer, bool Retryable)> PostAsync(FaceRecognitionClient client, string fileName, byte[] bytes, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.RecognizeOriginalAsync(fileName, bytes, cancellationToken), false);
        }
        catch (ApiException e)
        {
            return (null, e.Status is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests));
        }
        catch (HttpRequestException)
        {
            return (null, true);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, true);
        }
    }

    /// <summary>An <c>Image,Results</c> table (header first), as the original workload's labels.</summary>
    public static Dictionary<string, string> ReadLabels(string csv) =>
        File.ReadLines(csv).Skip(1).Select(l => l.Trim().Split(',')).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}
