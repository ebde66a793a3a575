using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Amazon.S3.Model;
using FaceRecognition.AppHost.Services;
using FaceRecognition.Bench;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Identities;
using FaceRecognition.LoadGen;
using FaceRecognition.Vision;
using Microsoft.Extensions.Options;

// bench/EndToEnd: dotnet run -c <configuration> -- [--repeats N] [--lookup-only]. Starts the AppHost in lookup mode
// twice, tuned (dashboard off, one fixed app-tier instance) and as ./run.sh starts it (dashboard on, app tier
// autoscaled from zero), then tuned in model mode; drives each with the load generator and writes REPORT.md.
// --lookup-only prints the lookup runs and writes no report (for trying a change).
var repeats = args.SkipWhile(a => a != "--repeats").Skip(1).Select(int.Parse).FirstOrDefault(3);
var lookupOnly = args.Contains("--lookup-only");
var root = BenchMachine.RepositoryRoot();
var datasets = Environment.GetEnvironmentVariable("FACEREC_DATASETS") is { Length: > 0 } d ? d : Path.Combine(root, "..", "shared", "datasets");
var labelsCsv = Path.GetFullPath(Path.Combine(datasets, "asu-faces", "labels.csv"));
var images = Path.Combine(root, ".cache", "bench-endtoend", "face_images_1000");
if (!File.Exists(Path.Combine(images, "test_999.jpg")))
{
    ZipFile.ExtractToDirectory(Path.Combine(datasets, "asu-faces", "face_images_1000.zip"), Path.GetDirectoryName(images)!, overwriteFiles: true);
}
var labels = LoadRun.ReadLabels(labelsCsv);

var lookup = new List<LoadSummary>();
var lookupCpu = new List<Dictionary<string, double>>();
await using (var run = await Start(shipped: false, "--Recognition:Mode=lookup", $"--Recognition:LookupTable={labelsCsv}"))
{
    using var http = Client();
    await LoadRun.RunAsync(new LoadSettings(run.Endpoint(ServiceExtensions.WebTierName), images, labels, 200, 100, 3), http, CancellationToken.None); // warm-up
    for (var i = 0; i < repeats; i++)
    {
        var cpu = new SystemCpu();
        lookup.Add(await LoadRun.RunAsync(new LoadSettings(run.Endpoint(ServiceExtensions.WebTierName), images, labels, 1000, 100, 3), http, CancellationToken.None));
        lookupCpu.Add(cpu.PerRequest(1000));
        Console.WriteLine("lookup: " + lookup[^1].ToText());
        Console.WriteLine("  CPU ms per request: " + string.Join(", ", lookupCpu[^1].Select(c => $"{c.Key} {c.Value:F2}")) + $", system {lookupCpu[^1].Where(c => c.Key != SystemCpu.LoadGenerator).Sum(c => c.Value):F2}");
    }
}

// As ./run.sh starts the system: dashboard on, the app tier autoscaled (from zero, at most 2 instances). The first run
// meets a fleet at zero; the following ones come back to back, the fleet still up.
var asShipped = new List<LoadSummary>();
LoadSummary coldStart;
await using (var run = await Start(shipped: true, "--Recognition:Mode=lookup", $"--Recognition:LookupTable={labelsCsv}"))
{
    using var http = Client();
    coldStart = await LoadRun.RunAsync(new LoadSettings(run.Endpoint(ServiceExtensions.WebTierName), images, labels, 1000, 100, 3), http, CancellationToken.None);
    Console.WriteLine("as shipped, from a zero fleet: " + coldStart.ToText());
    for (var i = 0; i < repeats; i++)
    {
        asShipped.Add(await LoadRun.RunAsync(new LoadSettings(run.Endpoint(ServiceExtensions.WebTierName), images, labels, 1000, 100, 3), http, CancellationToken.None));
        Console.WriteLine("as shipped: " + asShipped[^1].ToText());
    }
}

if (lookupOnly) return 0;

var model = new List<LoadSummary>();
var inProcess = new List<double>();
var inProcessBatches = new List<double>();
await using (var run = await Start(shipped: false))
{
    // Configured as the app tier runs it: one ONNX thread per recognition, one recognition per core.
    using var engine = new FaceRecognizer(Options.Create(new VisionOptions { Onnx = { IntraOpThreads = 1 } }));
    var gallery = new Gallery();
    foreach (var stem in Enumerable.Range(0, 10).Select(i => $"test_{i:000}"))
    {
        gallery.Enroll(labels[stem], [engine.Analyze(engine.Decode(File.ReadAllBytes(Path.Combine(images, stem + ".jpg"))))[0].Descriptor]);
    }
    using var galleryBytes = new MemoryStream();
    gallery.Save(galleryBytes);
    using var s3 = run.S3();
    await s3.PutObjectAsync(new PutObjectRequest { BucketName = new TopologyNames(TopologyNames.DefaultPrefix).GalleryBucket, Key = TopologyNames.GalleryObjectKey, InputStream = galleryBytes });
    using var http = Client();
    // The app tier re-reads the gallery within 2 s; a warm-up run until every answer is right.
    for (var attempt = 0; attempt < 30; attempt++)
    {
        var warm = await LoadRun.RunAsync(new LoadSettings(run.Endpoint(ServiceExtensions.WebTierName), images, labels, 20, 10, 0), http, CancellationToken.None);
        if (warm.Correct == 20) break;
    }
    for (var i = 0; i < repeats; i++)
    {
        model.Add(await LoadRun.RunAsync(new LoadSettings(run.Endpoint(ServiceExtensions.WebTierName), images, labels, 100, 100, 3), http, CancellationToken.None));
        Console.WriteLine("model: " + model[^1].ToText());
    }
    // The same 100 recognitions in process, as many at once as the app tier runs: what the batch costs without web
    // tier, S3 and SQS.
    var pictures = Enumerable.Range(0, 100).Select(i => File.ReadAllBytes(Path.Combine(images, $"test_{i:000}.jpg"))).ToArray();
    foreach (var picture in pictures.Take(10)) engine.Recognize(picture, gallery);
    for (var i = 0; i < repeats; i++)
    {
        var batchStarted = Stopwatch.GetTimestamp();
        Parallel.ForEach(pictures, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, picture =>
        {
            var started = Stopwatch.GetTimestamp();
            engine.Recognize(picture, gallery);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (inProcess) inProcess.Add(elapsed);
        });
        inProcessBatches.Add(Stopwatch.GetElapsedTime(batchStarted).TotalSeconds);
    }
}

File.WriteAllText(Path.Combine(root, "bench", "EndToEnd", "REPORT.md"), Report(lookup, lookupCpu, coldStart, asShipped, model, inProcess, inProcessBatches, repeats));
Console.WriteLine(File.ReadAllText(Path.Combine(root, "bench", "EndToEnd", "REPORT.md")));
return 0;

static HttpClient Client() => new(new SocketsHttpHandler { MaxConnectionsPerServer = 100 }) { Timeout = TimeSpan.FromSeconds(60) };

// shipped: as ./run.sh starts the system (dashboard on, app tier autoscaled); otherwise tuned: dashboard off, one
// app-tier instance running from the start.
static async Task<BenchAppHost> Start(bool shipped, params string[] arguments)
{
    var starting = Stopwatch.GetTimestamp();
    var run = shipped ? await BenchAppHost.StartAsync(dashboard: true, arguments) : await BenchAppHost.StartAsync(["--AppTier:Autoscale=false", .. arguments]);
    await run.App.ResourceNotifications.WaitForResourceHealthyAsync(ServiceExtensions.WebTierName);
    if (!shipped) await run.App.ResourceNotifications.WaitForResourceHealthyAsync($"{ServiceExtensions.AppTierPrefix}1");
    Console.WriteLine($"system healthy {Stopwatch.GetElapsedTime(starting).TotalSeconds:F1} s after start");
    return run;
}

static string Report(List<LoadSummary> lookup, List<Dictionary<string, double>> lookupCpu, LoadSummary coldStart, List<LoadSummary> asShipped,
    List<LoadSummary> model, List<double> inProcess, List<double> inProcessBatches, int repeats)
{
    var inv = CultureInfo.InvariantCulture;
    var build = typeof(BenchMachine).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
        .OfType<System.Reflection.AssemblyConfigurationAttribute>().FirstOrDefault()?.Configuration ?? "?";
    var text = new StringBuilder();
    text.Append(BenchMachine.Heading("End-to-end benchmark (image path)"));
    text.AppendLine(inv, $"- Build: {build} (the AppHost and every service; `./run.sh` builds Debug; the engine's projects are optimised in every configuration).");
    text.AppendLine("- System, tuned: the AppHost with the dashboard off (the services still record traces and metrics and try to export them every second, to an OTLP endpoint where nothing listens), the embedded emulator, one web tier, one app-tier instance running from the start.");
    text.AppendLine("- System as `./run.sh` starts it: dashboard on (it ingests every span and metric), the app tier autoscaled by the web tier through the emulator's EC2 (from zero, at most 2 instances).");
    text.AppendLine("- The load generator (`tools/LoadGen`, HttpClient, 100 connections) runs on the same 2 cores.");
    text.AppendLine("- Workload: the original `asu-faces` pictures (`test_000` ... `test_999`, 64x64 JPEG) and their labels; every answer is checked.");
    text.AppendLine(inv, $"- Command: `bench/EndToEnd/run.sh` ({repeats} measured runs per mode after a warm-up run)");
    text.AppendLine();
    text.AppendLine("## Lookup mode: 1000 requests, 100 concurrent (tuned)");
    text.AppendLine();
    Table(text, lookup);
    text.AppendLine();
    text.AppendLine("CPU time per request in the same runs (ms; median, min-max), from each process's CPU counters: what a change is best judged by, because wall time on this shared machine moves with its neighbours.");
    text.AppendLine();
    text.AppendLine("| Process | CPU per request |");
    text.AppendLine("|---|---:|");
    foreach (var process in SystemCpu.Processes.Append(SystemCpu.LoadGenerator))
    {
        var values = lookupCpu.Select(c => c[process]).Order().ToArray();
        text.AppendLine(inv, $"| {process} | {Median(values):F2} ({values[0]:F2}-{values[^1]:F2}) |");
    }
    var systemCpu = lookupCpu.Select(c => SystemCpu.Processes.Sum(p => c[p])).Order().ToArray();
    text.AppendLine(inv, $"| emulator + web tier + app tier | {Median(systemCpu):F2} ({systemCpu[0]:F2}-{systemCpu[^1]:F2}) |");
    text.AppendLine();
    text.AppendLine("## Lookup mode as `./run.sh` starts the system: 1000 requests, 100 concurrent");
    text.AppendLine();
    text.AppendLine("The first run meets the app tier at zero instances (the autoscaler starts them as the queue fills); the others follow back to back, the fleet still up.");
    text.AppendLine();
    Table(text, [coldStart, .. asShipped], first: "from zero");
    var tunedTotal = Median(lookup.Select(l => l.TotalSeconds));
    var shippedTotal = Median(asShipped.Select(l => l.TotalSeconds));
    text.AppendLine();
    text.AppendLine(inv, $"As shipped against tuned (medians, fleet up): {shippedTotal:F2} s / {tunedTotal:F2} s = {shippedTotal / tunedTotal:F2}x; from a zero fleet {coldStart.TotalSeconds:F2} s = {coldStart.TotalSeconds / tunedTotal:F2}x.");
    text.AppendLine();
    text.AppendLine("## Model mode: 100 requests, 100 concurrent, the 10 distinct pictures enrolled under their labels");
    text.AppendLine();
    Table(text, model);
    inProcess.Sort();
    var inProcessMedian = inProcess[inProcess.Count / 2];
    var systemMean = Median(model.Select(m => m.MeanMs));
    text.AppendLine();
    text.AppendLine("## Infrastructure overhead per request (model mode)");
    text.AppendLine();
    var inProcessPerRequest = Median(inProcessBatches) * 1000 / 100;
    var systemPerRequest = Median(model.Select(m => m.TotalSeconds)) * 1000 / 100;
    text.AppendLine(inv, $"- The same 100 recognitions in process (`FaceRecognizer.Recognize` on the JPEG bytes), {Environment.ProcessorCount} at a time with one ONNX thread each, as the app tier runs them: {Median(inProcessBatches):F2} s, {inProcessPerRequest:F1} ms per request (one recognition: median {inProcessMedian:F1} ms, min {inProcess[0]:F1}, max {inProcess[^1]:F1}).");
    text.AppendLine(inv, $"- Through web tier + S3 + SQS + app tier, 100 at once: {systemPerRequest * 100 / 1000:F2} s, {systemPerRequest:F1} ms per request (mean latency {systemMean:F0} ms, which includes queueing behind the other 99 requests).");
    text.AppendLine(inv, $"- Overhead: {systemPerRequest - inProcessPerRequest:F1} ms per request ({(systemPerRequest / inProcessPerRequest - 1) * 100:F0} %), medians of {repeats} runs each.");
    text.AppendLine();
    text.AppendLine("## Goals");
    text.AppendLine();
    var lookupTotal = Median(lookup.Select(l => l.TotalSeconds));
    text.AppendLine("| Goal | Measured (median of runs) | Met |");
    text.AppendLine("|---|---:|:---:|");
    text.AppendLine(inv, $"| Lookup: 1000 requests at 100 concurrency under 1.5 s (tuned) | {lookupTotal:F2} s | {(lookupTotal < 1.5 ? "yes" : "no")} |");
    text.AppendLine(inv, $"| Lookup as `./run.sh` starts the system, within 1.3x of tuned | {shippedTotal / tunedTotal:F2}x | {(shippedTotal / tunedTotal <= 1.3 ? "yes" : "no")} |");
    text.AppendLine(inv, $"| Lookup as `./run.sh` starts the system, under the original's 3 s | {shippedTotal:F2} s (from zero: {coldStart.TotalSeconds:F2} s) | {(shippedTotal < 3 ? "yes" : "no")} |");
    text.AppendLine(inv, $"| Model: average latency of 100 requests under 1.2 s | {systemMean / 1000:F2} s | {(systemMean < 1200 ? "yes" : "no")} |");
    LoadSummary[] all = [.. lookup, coldStart, .. asShipped, .. model];
    text.AppendLine(inv, $"| Every answer correct | {all.Sum(l => l.Correct)} of {all.Sum(l => l.Requests)} | {(all.All(l => l.Correct == l.Requests) ? "yes" : "no")} |");
    text.Append(BenchMachine.Notes("EndToEnd"));
    return text.ToString();
}

static void Table(StringBuilder text, List<LoadSummary> runs, string? first = null)
{
    text.AppendLine("| Run | Correct | Wrong | Errors | Total | p50 | p90 | p99 | Max | Mean |");
    text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (var i = 0; i < runs.Count; i++)
    {
        var r = runs[i];
        text.AppendLine(CultureInfo.InvariantCulture, $"| {(i == 0 && first is not null ? first : (first is null ? i + 1 : i).ToString(CultureInfo.InvariantCulture))} | {r.Correct} | {r.Wrong} | {r.Errors} | {r.TotalSeconds:F2} s | {r.P50Ms:F0} ms | {r.P90Ms:F0} ms | {r.P99Ms:F0} ms | {r.MaxMs:F0} ms | {r.MeanMs:F0} ms |");
    }
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}
