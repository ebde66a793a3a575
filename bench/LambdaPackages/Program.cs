using System.Globalization;
using System.IO.Compression;
using System.Text;
using FaceRecognition.Bench;
using FaceRecognition.Bench.LambdaPackages;
using FaceRecognition.Lambdas.Packaging;
using Microsoft.Extensions.Logging.Abstractions;

// bench/LambdaPackages: dotnet run -c Release -- [--runs N]. Builds each function's package four ways (ReadyToRun or
// JIT, trimmed or not; the first is what deploys, in artifacts/lambda), then for each: its size, and its cold start
// (median and spread of N starts, 7 by default) with the function's settings as shipped (tiered compilation off).
var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(int.Parse).FirstOrDefault(7);
var root = BenchMachine.RepositoryRoot();
var variants = new (string Name, bool ReadyToRun, bool Trimmed)[] { ("ReadyToRun, trimmed (deployed)", true, true), ("JIT, trimmed", false, true), ("ReadyToRun, untrimmed", true, false), ("JIT, untrimmed", false, false) };
var rows = new List<string>();
foreach (var (name, readyToRun, trimmed) in variants)
{
    var output = readyToRun && trimmed ? PackageOptions.DefaultOutput(root) : Path.Combine(root, "artifacts", "lambda-variants", $"{(readyToRun ? "r2r" : "jit")}-{(trimmed ? "trimmed" : "untrimmed")}");
    var builder = new PackageBuilder(new PackageOptions(root, output, readyToRun, trimmed), NullLogger.Instance);
    foreach (var function in FunctionCatalog.All)
    {
        Console.WriteLine($"{name}: {function.Name}...");
        PackageInfo package;
        try
        {
            package = (await builder.EnsureAsync([function])).Single();
        }
        catch (InvalidOperationException e) when (e.Message.Contains("over Lambda's limit", StringComparison.Ordinal))
        {
            rows.Add($"| {function.Name} | {name} | - | {e.Message[(function.Name.Length + 2)..]} | - | - |");
            continue;
        }
        var unzipped = Directory.CreateTempSubdirectory("facerec-cold-").FullName;
        try
        {
            ZipFile.ExtractToDirectory(Path.Combine(output, package.File), unzipped);
            await ColdStart.MeasureAsync(unzipped, function.Name); // the first start reads the files from disk
            var times = new List<double>();
            for (var i = 0; i < runs; i++) times.Add(await ColdStart.MeasureAsync(unzipped, function.Name));
            times.Sort();
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {function.Name} | {name} | {package.Size / 1e6:F1} MB | {package.UnzippedSize / 1e6:F1} MB | {times[times.Count / 2]:F0} ms | {times[0]:F0}-{times[^1]:F0} ms |"));
        }
        finally
        {
            Directory.Delete(unzipped, recursive: true);
        }
    }
}

var report = new StringBuilder(BenchMachine.Heading("Lambda packages: ReadyToRun and trimming"));
report.AppendLine("- Measured: each package as `Lambdas/Packaging` builds it (`--no-ready-to-run`, `--no-trim`); cold start = from starting its `bootstrap` (unzipped, nothing but the package on the library path, the variables Lambda sets) to the runtime's first request for an event from a stub Runtime API: Lambda's Init Duration (.NET start, the host, SDK clients, and for face-recognition its four ONNX sessions), on an idle machine; one start first to read the files, then the runs counted.");
report.AppendLine(CultureInfo.InvariantCulture, $"- Command: `bench/LambdaPackages/run.sh` ({runs} starts per package)");
report.AppendLine();
report.AppendLine("| Function | Build | Zipped | Unzipped (Lambda's limit 262.1 MB) | Cold start, median | spread |");
report.AppendLine("|---|---|---:|---:|---:|---:|");
foreach (var row in rows) report.AppendLine(row);
report.Append(BenchMachine.Notes("LambdaPackages"));
var path = Path.Combine(root, "bench", "LambdaPackages", "REPORT.md");
File.WriteAllText(path, report.ToString());
Console.WriteLine(File.ReadAllText(path));
