using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using FaceRecognition.AppHost.Services;
using FaceRecognition.Bench;

// bench/Autoscaling: dotnet run -c Release -- [--repeats N]. For 1, 2 and 4 app-tier instances at most: a fresh AppHost
// with AppTier:Autoscale=true (every instance stopped), then 100 model-mode requests at once (the face-api demo photos,
// 1920 px, through POST /), timing the first answer (cold start), the moment the fleet reaches its maximum, the last
// answer, and the fleet's return to zero (the autoscaler's stop calls, then the processes' exit).
const int Requests = 100;
var repeats = args.SkipWhile(a => a != "--repeats").Skip(1).Select(int.Parse).FirstOrDefault(2);
var root = BenchMachine.RepositoryRoot();
var photos = Enumerable.Range(1, 6).Select(i => File.ReadAllBytes(Path.Combine(root, ".cache", "face-api", "package", "demo", $"sample{i}.jpg"))).ToArray();

var runs = new List<RunResult>();
foreach (var max in new[] { 1, 2, 4 })
{
    for (var repeat = 0; repeat < repeats; repeat++)
    {
        runs.Add(await Measure(max));
        Console.WriteLine(runs[^1]);
    }
}
var report = Path.Combine(root, "bench", "Autoscaling", "REPORT.md");
File.WriteAllText(report, Report(runs, repeats));
Console.WriteLine(File.ReadAllText(report));
return 0;

async Task<RunResult> Measure(int max)
{
    await using var run = await BenchAppHost.StartAsync("--AppTier:Autoscale=true", $"--AppTier:Replicas={max}", "--WebTier:ReplyTimeoutSeconds=300");
    await run.App.ResourceNotifications.WaitForResourceHealthyAsync(ServiceExtensions.WebTierName);
    await run.App.ResourceNotifications.WaitForResourceAsync(AppTierInstances.ResourceName, KnownResourceStates.Running);
    using var admin = run.EmulatorAdmin();
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Requests }) { BaseAddress = run.Endpoint(ServiceExtensions.WebTierName), Timeout = TimeSpan.FromMinutes(5) };
    var clock = Stopwatch.StartNew();
    double? atTarget = null, allStopping = null, allStopped = null;
    double firstAnswer = 0, lastAnswer = 0;
    var answered = 0;
    var correct = 0;
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            var states = (await admin.GetFromJsonAsync<InstanceView[]>("_emulator/ec2/instances"))!
                .Where(i => i.Tags.GetValueOrDefault("Name")?.StartsWith(ServiceExtensions.AppTierPrefix, StringComparison.Ordinal) == true).Select(i => i.State).ToArray();
            var now = clock.Elapsed.TotalSeconds;
            if (atTarget is null && states.Count(s => s == "running") == max) atTarget = now;
            if (Volatile.Read(ref answered) == Requests)
            {
                if (allStopping is null && states.All(s => s is "stopping" or "stopped")) allStopping = now;
                if (allStopped is null && states.All(s => s == "stopped")) allStopped = now;
            }
            await Task.Delay(20);
        }
    });

    await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = Requests }, async (i, ct) =>
    {
        var stem = $"req{i:000}";
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(photos[i % photos.Length]);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "inputFile", stem + ".jpg");
        using var response = await http.PostAsync(new Uri("/", UriKind.Relative), form, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var now = clock.Elapsed.TotalSeconds;
        lock (photos)
        {
            if (answered == 0) firstAnswer = now;
            lastAnswer = Math.Max(lastAnswer, now);
            answered++;
            if (response.IsSuccessStatusCode && body == $"{stem}:Unknown") correct++;
        }
    });
    var deadline = DateTime.UtcNow.AddMinutes(1);
    while (allStopped is null && DateTime.UtcNow < deadline) await Task.Delay(20);
    await sampling.CancelAsync();
    await sampler;
    return new RunResult(max, firstAnswer, atTarget, lastAnswer, Requests / (lastAnswer - firstAnswer), allStopping - lastAnswer, allStopped - lastAnswer, correct);
}

static string Report(List<RunResult> runs, int repeats)
{
    var inv = CultureInfo.InvariantCulture;
    var text = new StringBuilder();
    text.Append(BenchMachine.Heading("Autoscaling benchmark"));
    text.AppendLine("- System: a fresh AppHost per run (Release, dashboard off) with `AppTier:Autoscale=true`: the app-tier replicas are EC2 instances in the emulator, all stopped at the start; the web tier's autoscaler (default policy: 5 messages per instance, scale-in after 1 s of empty queue, polls every 0.5 s) calls DescribeInstances/StartInstances/StopInstances; the AppHost starts a replica when EC2 says pending and reports it running once healthy.");
    text.AppendLine(inv, $"- Workload: {Requests} requests at once through `POST /` (model mode, the six face-api demo photos, 1920 px, no one enrolled: every answer must be `<stem>:Unknown`), from the same 2 cores.");
    text.AppendLine(inv, $"- Command: `bench/Autoscaling/run.sh` ({repeats} runs per maximum)");
    text.AppendLine();
    text.AppendLine("| Max instances | Cold start (first answer) | Fleet at max | Last answer | Throughput (first to last answer) | Stop calls after last answer | Back to 0 (processes exited) | Correct |");
    text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var r in runs)
    {
        text.AppendLine(inv, $"| {r.Max} | {r.FirstAnswer:F1} s | {(r.AtTarget is { } t ? $"{t:F1} s" : "never")} | {r.LastAnswer:F1} s | {r.Throughput:F1} req/s | {Seconds(r.ToStopping)} | {Seconds(r.ToStopped)} | {r.Correct}/{Requests} |");
    }
    var toZero = runs.Select(r => r.ToStopping ?? double.MaxValue).Order().ToArray();
    var median = toZero[toZero.Length / 2];
    text.AppendLine();
    text.AppendLine("## Goals");
    text.AppendLine();
    text.AppendLine("| Goal | Measured | Met |");
    text.AppendLine("|---|---:|:---:|");
    text.AppendLine(inv, $"| From the last answer to 0 instances under 2 s (the original's full marks; 5 s its limit): the autoscaler's StopInstances | median {median:F1} s (spread {toZero[0]:F1}-{toZero[^1]:F1}) | {(median < 2 ? "yes" : "no")} |");
    text.AppendLine(inv, $"| Every request answered correctly | {runs.Sum(r => r.Correct)} of {runs.Count * Requests} | {(runs.All(r => r.Correct == Requests) ? "yes" : "no")} |");
    text.Append(BenchMachine.Notes("Autoscaling"));
    return text.ToString();
}

static string Seconds(double? value) => value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:F1} s") : "not within 1 min";



internal sealed record RunResult(int Max, double FirstAnswer, double? AtTarget, double LastAnswer, double Throughput, double? ToStopping, double? ToStopped, int Correct);

internal sealed record InstanceView(string InstanceId, string State, Dictionary<string, string> Tags);
