using System.Globalization;
using System.Text;
using FaceRecognition.Bench.Emulator;

// Usage: dotnet run -c Release --project bench/Emulator -- [--seconds 4] [--repeats 5] [--output bench/Emulator/REPORT.md]
//   --only <text>   run only the workloads whose name contains <text> (no report is written)
//   --ours-only     measure only this project's emulator (no report is written)
//   --against <exe> compare with another build of the emulator instead of fauxqs, e.g. one built from a git worktree
//                   of the last commit, to tell a change from this machine's noise (no report is written)
var seconds = Argument("--seconds", 4);
var only = ArgumentText("--only");
var oursOnly = args.Contains("--ours-only");
var against = ArgumentText("--against");
var repeats = Argument("--repeats", 5);
var repository = FaceRecognition.Bench.BenchMachine.RepositoryRoot();
var output = ArgumentText("--output") ?? Path.Combine(repository, "bench", "Emulator", "REPORT.md");
var fauxqs = Path.Combine(repository, "bench", "Emulator", "fauxqs");
if (!oursOnly && against is null && !Directory.Exists(Path.Combine(fauxqs, "node_modules", "fauxqs")))
{
    Console.Error.WriteLine($"fauxqs is not installed: run 'npm ci' in {fauxqs} (bench/Emulator/run.sh does).");
    return 1;
}

await using var emulator = await Server.StartEmulatorAsync();
await using var peer = oursOnly ? null
    : against is not null ? await Server.StartEmulatorAsync(Path.GetFullPath(against))
    : await Server.StartFauxqsAsync(fauxqs);
Server[] servers = peer is null ? [emulator] : [emulator, peer];
var workloads = Workloads.All.Where(w => only is null || w.Workload.Contains(only, StringComparison.OrdinalIgnoreCase)).ToList();
var duration = TimeSpan.FromSeconds(seconds);

var warmUp = TimeSpan.FromSeconds(Math.Max(5, seconds));
Console.WriteLine($"Warming up both servers and the client ({warmUp.TotalSeconds} s per workload and server)...");
foreach (var workload in workloads.Where(w => !w.Workload.Contains("p99", StringComparison.Ordinal)))
{
    foreach (var server in servers) await workload.Run(server, warmUp);
}

var results = new Dictionary<(string Workload, string Server), List<double>>();
var cpu = new Dictionary<(string Workload, string Server), List<double>>();
foreach (var workload in workloads)
{
    for (var repeat = 0; repeat < repeats; repeat++)
    {
        // Interleaved, and in alternating order, so drift on the machine falls on both alike.
        foreach (var server in repeat % 2 == 0 ? servers : servers.Reverse())
        {
            var serverCpu = server.CpuTime;
            var clientCpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var value = await workload.Run(server, duration);
            var wall = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            (results.TryGetValue((workload.Workload, server.Name), out var list) ? list : results[(workload.Workload, server.Name)] = []).Add(value);
            (cpu.TryGetValue((workload.Workload, server.Name), out var cpuList) ? cpuList : cpu[(workload.Workload, server.Name)] = [])
                .Add((server.CpuTime - serverCpu).TotalSeconds / wall);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{workload.Workload} | {server.Name} | {value:F1} {workload.Unit} | server {(server.CpuTime - serverCpu).TotalSeconds / wall:P0} of a core, client {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalSeconds / wall:P0}"));
        }
    }
}

if (only is not null || peer is null || against is not null)
{
    foreach (var ((workload, server), values) in results)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median | {workload} | {server} | {Cell(values)} | server {Median(cpu[(workload, server)]):P0} of a core"));
    }
    return 0;
}
var report = Render(results, servers, seconds, repeats);
await File.WriteAllTextAsync(output, report);
Console.WriteLine(report);
Console.WriteLine($"Written to {output}");
return 0;

string Render(Dictionary<(string, string), List<double>> measured, Server[] targets, int runSeconds, int runs)
{
    var text = new StringBuilder();
    text.Append(FaceRecognition.Bench.BenchMachine.Heading("Emulator benchmark: FaceRecognition emulator vs fauxqs"));
    text.AppendLine(CultureInfo.InvariantCulture, $"- Runtime: .NET {Environment.Version} (client and emulator), Node.js {NodeVersion()} (fauxqs)");
    var command = string.Join(' ', ["bench/Emulator/run.sh", .. args]);
    text.AppendLine(CultureInfo.InvariantCulture, $"- Command: `{command}` (= `dotnet run -c Release --project bench/Emulator --` and the same arguments)");
    text.AppendLine(CultureInfo.InvariantCulture, $"- Method: one client process (AWS SDK for .NET, default configuration) drives both servers, each in its own process on loopback; every workload is warmed up on both, then run {runs} times for {runSeconds} s, the servers interleaved in alternating order; S3 runs delete their objects afterwards. Median, with min–max spread; server CPU is the server process's CPU time over the run, in cores.");
    text.AppendLine("- FaceRecognition emulator: Release build as shipped, SigV4 verified on every request (chunk signatures included), every acknowledged write committed before the answer (SQLite WAL for records and messages; bodies written to segment files, or files of their own above 128 KiB, before the record that refers to them): survives kill -9.");
    text.AppendLine("- fauxqs 1.9.2: started through its `buildApp()` on 127.0.0.1; in memory, no signature checks.");
    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"| Workload | {targets[0].Name} | {targets[1].Name} | ratio | server CPU (cores), ours / theirs |");
    text.AppendLine("|---|---:|---:|---:|---:|");
    foreach (var workload in Workloads.All)
    {
        var ours = measured[(workload.Workload, targets[0].Name)];
        var theirs = measured[(workload.Workload, targets[1].Name)];
        var ratio = workload.LowerIsBetter ? Median(theirs) / Median(ours) : Median(ours) / Median(theirs);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {workload.Workload} ({workload.Unit}{(workload.LowerIsBetter ? ", lower is better" : "")}) | {Cell(ours)} | {Cell(theirs)} | {ratio:F2}x | {Median(cpu[(workload.Workload, targets[0].Name)]):F2} / {Median(cpu[(workload.Workload, targets[1].Name)]):F2} |");
    }
    text.AppendLine();
    text.AppendLine("Ratio: how many times better the FaceRecognition emulator is (above 1: better).");
    text.Append(File.ReadAllText(Path.Combine(repository, "bench", "Emulator", "ReportNotes.md")));
    return text.ToString();
}

static string Cell(List<double> values) => string.Create(CultureInfo.InvariantCulture, $"{Format(Median(values))} ({Format(values.Min())}–{Format(values.Max())})");

static string Format(double value) => value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("F2", CultureInfo.InvariantCulture);

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}


static string NodeVersion()
{
    using var node = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("node", "--version") { RedirectStandardOutput = true });
    return node!.StandardOutput.ReadToEnd().Trim();
}


int Argument(string name, int defaultValue) =>
    ArgumentText(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : defaultValue;

string? ArgumentText(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
