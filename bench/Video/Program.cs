using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using FaceRecognition.AppHost.Services;
using FaceRecognition.Bench;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Lambdas.Runtime;
using FaceRecognition.Vision;
using FaceRecognition.Vision.Identities;
using Microsoft.Extensions.Options;

// bench/Video: dotnet run -c Release -- [--repeats N]. For each run: a fresh AppHost (emulator, functions, web and app
// tier), the 8 people enrolled from their videos' frames at t = 1 s, then the original workload: test_00 ... test_99
// (test_NN is the file test_0{NN % 8}) uploaded at once with the S3 SDK; timed until the 100th answer is in the output
// bucket, every answer checked; then each function's own figures from its /stats endpoint.
var repeats = args.SkipWhile(a => a != "--repeats").Skip(1).Select(int.Parse).FirstOrDefault(3);
var root = BenchMachine.RepositoryRoot();
var datasets = Environment.GetEnvironmentVariable("FACEREC_DATASETS") is { Length: > 0 } d ? d : Path.Combine(root, "..", "shared", "datasets");
var videos = Path.GetFullPath(Path.Combine(datasets, "asu-videos"));
var labels = File.ReadAllLines(Path.Combine(videos, "labels.csv")).Skip(1).Select(l => l.Split(',')).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
var names = new TopologyNames(TopologyNames.DefaultPrefix);
var gallery = GalleryFromFrames(videos, labels);

var runs = new List<RunResult>();
foreach (var mode in Enumerable.Repeat("single", repeats).Append("sampled"))
{
    await using var run = await BenchAppHost.StartAsync($"--VideoSplit:Mode={mode}");
    await run.App.ResourceNotifications.WaitForResourceHealthyAsync(ServiceExtensions.VideoSplitName);
    await run.App.ResourceNotifications.WaitForResourceHealthyAsync(ServiceExtensions.FaceRecognitionName);
    using var s3 = run.S3();
    await s3.PutObjectAsync(new PutObjectRequest { BucketName = names.GalleryBucket, Key = TopologyNames.GalleryObjectKey, InputStream = new MemoryStream(gallery) });

    var started = Stopwatch.GetTimestamp();
    await Task.WhenAll(Enumerable.Range(0, 100).Select(n =>
        s3.PutObjectAsync(new PutObjectRequest { BucketName = names.VideoInputBucket, Key = $"test_{n:00}.mp4", FilePath = Path.Combine(videos, $"test_0{n % 8}.mp4") })));
    var uploaded = Stopwatch.GetElapsedTime(started).TotalSeconds;
    var answers = await WaitForAnswers(s3, names.VideoOutputBucket, 100, TimeSpan.FromMinutes(10));
    var total = Stopwatch.GetElapsedTime(started).TotalSeconds;
    var correct = Enumerable.Range(0, 100).Count(n => answers.GetValueOrDefault($"test_{n:00}") == labels[$"test_0{n % 8}"]);
    var split = await Stats(run, ServiceExtensions.VideoSplitName);
    var recognition = await Stats(run, ServiceExtensions.FaceRecognitionName);
    runs.Add(new RunResult(mode, uploaded, total, correct, split, recognition));
    Console.WriteLine($"{mode}: {total:F1} s, {correct}/100 correct; split {split.AverageMs} ms avg, recognition {recognition.AverageMs} ms avg");
}

var report = Path.Combine(root, "bench", "Video", "REPORT.md");
File.WriteAllText(report, Report(runs, repeats));
Console.WriteLine(File.ReadAllText(report));
return 0;

static async Task<StatsSnapshot> Stats(BenchAppHost run, string function)
{
    using var http = new HttpClient { BaseAddress = run.Endpoint(function) };
    return (await http.GetFromJsonAsync("/stats", StatsJson.Default.StatsSnapshot))!;
}

static byte[] GalleryFromFrames(string videos, Dictionary<string, string> labels)
{
    using var engine = new FaceRecognizer(Options.Create(new VisionOptions()));
    var gallery = new Gallery();
    foreach (var (stem, name) in labels)
    {
        var frame = Path.Combine(Path.GetTempPath(), $"facerec-bench-{stem}-enrol.jpg");
        var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg") { ArgumentList = { "-nostdin", "-v", "error", "-y", "-ss", "1", "-i", Path.Combine(videos, stem + ".mp4"), "-frames:v", "1", "-q:v", "2", frame } })!;
        ffmpeg.WaitForExit();
        var result = engine.Recognize(File.ReadAllBytes(frame), new Gallery());
        gallery.Enroll(name, [result.AnswerFace!.Face.Descriptor]);
        File.Delete(frame);
    }
    using var bytes = new MemoryStream();
    gallery.Save(bytes);
    return bytes.ToArray();
}

static async Task<Dictionary<string, string>> WaitForAnswers(AmazonS3Client s3, string bucket, int count, TimeSpan timeout)
{
    var deadline = DateTime.UtcNow + timeout;
    while (true)
    {
        var keys = ((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/" })).S3Objects ?? [])
            .Select(o => o.Key).Where(k => k.EndsWith(".txt", StringComparison.Ordinal)).ToList();
        if (keys.Count >= count || DateTime.UtcNow > deadline)
        {
            var answers = new Dictionary<string, string>();
            foreach (var key in keys)
            {
                using var response = await s3.GetObjectAsync(bucket, key);
                answers[key[..^4]] = await new StreamReader(response.ResponseStream).ReadToEndAsync();
            }
            return answers;
        }
        await Task.Delay(50);
    }
}

static string Report(List<RunResult> runs, int repeats)
{
    var inv = CultureInfo.InvariantCulture;
    var text = new StringBuilder();
    text.Append(BenchMachine.Heading("Video-path benchmark", FfmpegVersion()));
    text.AppendLine("- System: a fresh AppHost per run (Release build, dashboard off), the embedded emulator, both functions on their local SQS event sources with the default settings (concurrency 4 each), the web tier idle and the app tier at zero instances (autoscaled; no picture is sent); the benchmark itself runs on the same 2 cores.");
    text.AppendLine("- Workload: the original's: `test_00` ... `test_99` (test_NN is `asu-videos/test_0{NN % 8}.mp4`, 0.2-3.6 MB, 2 s, 720p-1080p) uploaded at once with the S3 SDK; the 8 people enrolled from their videos' frames at t = 1 s; every answer checked against the labels.");
    text.AppendLine("- Measured: from the first upload to the 100th `<stem>.txt` in `facerec-output` (polled every 50 ms); function durations and peak concurrency from each function's `/stats` (the handler's own time: download, ffmpeg or recognition, uploads).");
    text.AppendLine(inv, $"- Command: `bench/Video/run.sh` ({repeats} runs in split mode `single`, then 1 in `sampled`)");
    text.AppendLine();
    text.AppendLine("| Run | Mode | Uploads done | All 100 answered | Correct | video-splitting avg / p50 / p99 / max | peak | face-recognition avg / p50 / p99 / max | peak |");
    text.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    for (var i = 0; i < runs.Count; i++)
    {
        var r = runs[i];
        text.AppendLine(inv, $"| {i + 1} | {r.Mode} | {r.UploadSeconds:F1} s | {r.TotalSeconds:F1} s | {r.Correct}/100 | {Durations(r.Split)} | {r.Split.PeakConcurrency} | {Durations(r.Recognition)} | {r.Recognition.PeakConcurrency} |");
    }
    var single = runs.Where(r => r.Mode == "single").ToArray();
    var totals = single.Select(r => r.TotalSeconds).Order().ToArray();
    var median = totals[totals.Length / 2];
    var splitAverage = single.Select(r => r.Split.AverageMs).Order().ToArray()[single.Length / 2];
    var recognitionAverage = single.Select(r => r.Recognition.AverageMs).Order().ToArray()[single.Length / 2];
    var minPeak = runs.Min(r => Math.Min(r.Split.PeakConcurrency, r.Recognition.PeakConcurrency));
    text.AppendLine();
    text.AppendLine("## Goals (split mode `single`, median of runs)");
    text.AppendLine();
    text.AppendLine("| Goal | Original's limit | Measured | Met |");
    text.AppendLine("|---|---:|---:|:---:|");
    text.AppendLine(inv, $"| 100 videos end to end under 60 s | 400 s on AWS Lambda | {median:F1} s (spread {totals[0]:F1}-{totals[^1]:F1}) | {(median < 60 ? "yes" : "no")} |");
    text.AppendLine(inv, $"| video-splitting average duration | 2,000 ms | {splitAverage:F0} ms | {(splitAverage <= 2000 ? "yes" : "no")} |");
    text.AppendLine(inv, $"| face-recognition average duration | 10,000 ms | {recognitionAverage:F0} ms | {(recognitionAverage <= 10000 ? "yes" : "no")} |");
    text.AppendLine(inv, $"| Concurrent executions of each function | at least 3 | {minPeak} (lowest peak of any run) | {(minPeak >= 3 ? "yes" : "no")} |");
    text.AppendLine(inv, $"| Every answer correct | 100 % | {runs.Sum(r => r.Correct)} of {runs.Count * 100} | {(runs.All(r => r.Correct == 100) ? "yes" : "no")} |");
    text.Append(BenchMachine.Notes("Video"));
    return text.ToString();
}

static string Durations(StatsSnapshot s) => string.Create(CultureInfo.InvariantCulture, $"{s.AverageMs:F0} / {s.MedianMs:F0} / {s.P99Ms:F0} / {s.MaxMs:F0} ms ({s.Invocations})");

static string FfmpegVersion()
{
    var process = Process.Start(new ProcessStartInfo("ffmpeg", "-version") { RedirectStandardOutput = true })!;
    var first = process.StandardOutput.ReadLine() ?? "ffmpeg";
    process.WaitForExit();
    return string.Join(' ', first.Split(' ').Take(3));
}



internal sealed record RunResult(string Mode, double UploadSeconds, double TotalSeconds, int Correct, StatsSnapshot Split, StatsSnapshot Recognition);
