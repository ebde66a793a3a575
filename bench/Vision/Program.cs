using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using FaceRecognition.Bench;
using FaceRecognition.Vision;
using FaceRecognition.VisionBench;
using Microsoft.Extensions.Options;

// bench/Vision: dotnet run -c Release -- [--runs N]   (run.sh prepares face-api and runs this)
BenchInputs.Prepare();
if (args.Contains("--memory-probe"))
{
    return MemoryProbe();
}
var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(int.Parse).FirstOrDefault(10);

var config = ManualConfig.CreateMinimumViable()
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(12).WithLaunchCount(1))
    .WithOptions(ConfigOptions.DisableLogFile);
var engine = BenchmarkRunner.Run<EngineBenchmarks>(config);
var gallery = BenchmarkRunner.Run<GalleryBenchmarks>(config);
var memory = BenchProcess.Run("dotnet", typeof(EngineBenchmarks).Assembly.Location, "--memory-probe").Trim();
var reference = Path.Combine(BenchInputs.RepositoryRoot(), "tools", "reference", "reference.js");
using var faceApi = JsonDocument.Parse(BenchProcess.Run("node", reference, "time", "--runs", runs.ToString(CultureInfo.InvariantCulture), BenchInputs.Frame1080, BenchInputs.Crop64));

var report = Report.Write(engine, gallery, memory, faceApi.RootElement, runs);
File.WriteAllText(Path.Combine(BenchInputs.RepositoryRoot(), "bench", "Vision", "REPORT.md"), report);
Console.WriteLine(report);
return 0;

// Resident memory of a service-like process: the three sessions loaded, 20 runs of each picture done.
static int MemoryProbe()
{
    using var recognizer = new FaceRecognizer(Options.Create(new VisionOptions()));
    var frame = File.ReadAllBytes(BenchInputs.Frame1080);
    var crop = File.ReadAllBytes(BenchInputs.Crop64);
    for (var i = 0; i < 20; i++)
    {
        recognizer.Analyze(recognizer.Decode(frame));
        recognizer.Analyze(recognizer.Decode(crop));
    }
    GC.Collect();
    using var self = Process.GetCurrentProcess();
    Console.WriteLine(FormattableString.Invariant($"{self.WorkingSet64 / 1048576.0:F0} {self.PeakWorkingSet64 / 1048576.0:F0}"));
    return 0;
}

internal static class Report
{
    public static string Write(Summary engine, Summary gallery, string memory, JsonElement faceApi, int runs)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.Append(FaceRecognition.Bench.BenchMachine.Heading("Vision benchmark"));
        text.AppendLine(inv, $"- Runtime: .NET {Environment.Version}, ONNX Runtime 1.31.1 (CPU), BenchmarkDotNet 0.15.8 in-process, 2 warm-up + 12 measured iterations");
        text.AppendLine(inv, $"- face-api 1.7.15 on TensorFlow.js 4.22.0, backend `{faceApi.GetProperty("backend").GetString()}` (threads: {faceApi.GetProperty("threads")}), Node {BenchProcess.Run("node", "--version").Trim()}, {runs} timed runs per picture after one warm-up");
        text.AppendLine("- Command: `bench/Vision/run.sh` (prepares the pictures and face-api, then `dotnet run -c Release --project bench/Vision`)");
        text.AppendLine("- Pictures: `frame-1080p.jpg` = first frame of the original workload's `test_01.mp4` (1920x1080, one face); `crop-64.jpg` = the original image workload's `test_000.jpg` (64x64). Both engines read the same JPEG files.");
        text.AppendLine();
        text.AppendLine("## Engine stages (milliseconds per call)");
        text.AppendLine();
        text.AppendLine("| Benchmark | ONNX threads | Median | Q1 - Q3 | Min - Max |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var r in engine.Reports)
        {
            var s = r.ResultStatistics!;
            text.AppendLine(inv, $"| {r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\'')} | {r.BenchmarkCase.Parameters["Threads"]} | {Ms(s.Median)} | {Ms(s.Q1)} - {Ms(s.Q3)} | {Ms(s.Min)} - {Ms(s.Max)} |");
        }
        text.AppendLine();
        text.AppendLine("## Gallery search (milliseconds per identify)");
        text.AppendLine();
        text.AppendLine("| Enrolled faces | Median | Q1 - Q3 | Min - Max |");
        text.AppendLine("|---:|---:|---:|---:|");
        foreach (var r in gallery.Reports)
        {
            var s = r.ResultStatistics!;
            text.AppendLine(inv, $"| {r.BenchmarkCase.Parameters["Faces"]:N0} | {Ms(s.Median, 3)} | {Ms(s.Q1, 3)} - {Ms(s.Q3, 3)} | {Ms(s.Min, 3)} - {Ms(s.Max, 3)} |");
        }
        text.AppendLine();
        text.AppendLine("## Side by side with face-api (same pictures, same machine, same session)");
        text.AppendLine();
        text.AppendLine("| Picture | Stage | face-api median (min - max) | ours, 2 threads, median | Speed-up |");
        text.AppendLine("|---|---|---:|---:|---:|");
        var speedups = new List<double>();
        foreach (var picture in faceApi.GetProperty("results").EnumerateArray())
        {
            var name = picture.GetProperty("image").GetString()!;
            var is1080 = name.Contains("1080", StringComparison.Ordinal);
            var ourPipeline = Median(engine, is1080 ? "1080p: whole pipeline" : "64x64: whole pipeline", 2);
            var theirPipeline = picture.GetProperty("pipelineMs");
            var speedup = theirPipeline.GetProperty("median").GetDouble() / ourPipeline;
            speedups.Add(speedup);
            text.AppendLine(inv, $"| {name} | whole pipeline | {Range(theirPipeline)} | {ourPipeline:F1} | {speedup:F1}x |");
            if (is1080)
            {
                var ourDetect = Median(engine, "1080p: detection", 2);
                var theirDetect = picture.GetProperty("detectionMs");
                text.AppendLine(inv, $"| {name} | detection | {Range(theirDetect)} | {ourDetect:F1} | {theirDetect.GetProperty("median").GetDouble() / ourDetect:F1}x |");
                var ourFace = Median(engine, "1080p: landmarks (1 face)", 2) + Median(engine, "1080p: descriptor (1 face)", 2);
                var theirFace = theirPipeline.GetProperty("median").GetDouble() - theirDetect.GetProperty("median").GetDouble();
                text.AppendLine(inv, $"| {name} | landmarks + descriptor, 1 face (face-api: pipeline - detection) | {theirFace:F1} | {ourFace:F1} | {theirFace / ourFace:F1}x |");
            }
        }
        var parts = memory.Split(' ');
        var pipeline2 = Median(engine, "1080p: whole pipeline", 2);
        text.AppendLine();
        text.AppendLine("## Goals");
        text.AppendLine();
        text.AppendLine("| Goal | Measured | Met |");
        text.AppendLine("|---|---:|:---:|");
        text.AppendLine(inv, $"| Whole pipeline at least 6x faster than face-api per picture | {speedups.Min():F1}x (worst picture) | {(speedups.Min() >= 6 ? "yes" : "no")} |");
        text.AppendLine(inv, $"| 1080p frame with one face under 80 ms with 2 threads | {pipeline2:F1} ms median | {(pipeline2 < 80 ? "yes" : "no")} |");
        text.AppendLine(inv, $"| Resident memory after warm-up under 400 MB | {parts[0]} MB (peak {parts[1]} MB) | {(double.Parse(parts[0], inv) < 400 ? "yes" : "no")} |");
        var search = gallery.Reports.Single(r => (int)r.BenchmarkCase.Parameters["Faces"] == 100_000).ResultStatistics!.Median / 1e6;
        text.AppendLine(inv, $"| 100,000 enrolled faces searched in under 5 ms | {search:F2} ms median | {(search < 5 ? "yes" : "no")} |");
        text.AppendLine();
        text.Append(File.ReadAllText(Path.Combine(BenchInputs.RepositoryRoot(), "bench", "Vision", "ReportNotes.md")));
        return text.ToString();
    }

    private static double Median(Summary summary, string benchmark, int threads) =>
        summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\'') == benchmark
            && (int)r.BenchmarkCase.Parameters["Threads"] == threads).ResultStatistics!.Median / 1e6;

    private static string Ms(double nanoseconds, int digits = 1) => (nanoseconds / 1e6).ToString("F" + digits, CultureInfo.InvariantCulture);

    private static string Range(JsonElement timing) => string.Create(CultureInfo.InvariantCulture,
        $"{timing.GetProperty("median").GetDouble():F1} ({timing.GetProperty("min").GetDouble():F1} - {timing.GetProperty("max").GetDouble():F1})");

}
