using System.CommandLine;
using FaceRecognition.Lambdas.Packaging;

// Builds the functions' deployment packages: dotnet run --project Lambdas/Packaging -c Release -- [--function NAME] [--output DIR]
var output = new Option<string?>("--output") { Description = "Where the zips and manifests go (default: artifacts/lambda in the repository)." };
var function = new Option<string[]>("--function") { Description = "Only this function (repeatable): " + string.Join(", ", FunctionCatalog.All.Select(f => f.Name)) + "." };
var noReadyToRun = new Option<bool>("--no-ready-to-run") { Description = "JIT-compile everything at run time (smaller, slower cold start)." };
var noTrim = new Option<bool>("--no-trim") { Description = "Keep every framework assembly (larger; video-splitting then exceeds Lambda's 250 MB)." };
var force = new Option<bool>("--force") { Description = "Build even when nothing changed since the last build." };
var root = new RootCommand("Builds a deployment package per function for the provided.al2023 runtime (x86_64): a zip whose bootstrap starts the function.")
{
    output, function, noReadyToRun, noTrim, force,
};
root.SetAction(async (parse, cancellationToken) =>
{
    using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
    var repository = PackageOptions.FindRepositoryRoot(Directory.GetCurrentDirectory());
    var options = new PackageOptions(repository, Path.GetFullPath(parse.GetValue(output) ?? PackageOptions.DefaultOutput(repository)),
        ReadyToRun: !parse.GetValue(noReadyToRun), Trimmed: !parse.GetValue(noTrim), Force: parse.GetValue(force));
    var chosen = parse.GetValue(function) is { Length: > 0 } names ? names.Select(FunctionCatalog.Get).ToList() : null;
    try
    {
        var packages = await new PackageBuilder(options, loggers.CreateLogger("packaging")).EnsureAsync(chosen, cancellationToken);
        foreach (var package in packages)
        {
            Console.WriteLine($"{package.Function}: {Path.Combine(options.OutputDirectory, package.File)} ({package.Size:N0} bytes, sha256 {package.Sha256})");
        }
        return 0;
    }
    catch (Exception e) when (e is InvalidOperationException or InvalidDataException or ArgumentException)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
});
return await root.Parse(args).InvokeAsync();
