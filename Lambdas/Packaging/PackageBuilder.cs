using System.Diagnostics;

namespace FaceRecognition.Lambdas.Packaging;

/// <summary>
/// Builds a deployment package per function for the <c>provided.al2023</c> runtime (x86_64): the function published
/// self-contained for linux-x64, its executable renamed <c>bootstrap</c> (the file Lambda starts), the tools it carries,
/// zipped deterministically, with a manifest. A package whose inputs have not changed is left as it is; a lock file
/// keeps two builders (two AppHosts starting at once) from building the same package together.
/// </summary>
public sealed class PackageBuilder(PackageOptions options, ILogger logger)
{
    /// <summary>A file a package leaves out besides symbols and documentation: the LTTng tracing provider, whose library
    /// (liblttng-ust) Amazon Linux 2023 does not have (.NET runs without it).</summary>
    private const string TracingProvider = "libcoreclrtraceptprovider.so";

    /// <summary>Brings the packages of <paramref name="functions"/> (all by default) up to date and returns them.</summary>
    public async Task<IReadOnlyList<PackageInfo>> EnsureAsync(IEnumerable<FunctionDefinition>? functions = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        await using var exclusive = await LockAsync(cancellationToken);
        var built = new List<PackageInfo>();
        foreach (var function in functions ?? FunctionCatalog.All)
        {
            built.Add(await EnsureAsync(function, cancellationToken));
        }
        var all = FunctionCatalog.All.Select(f => built.FirstOrDefault(b => b.Function == f.Name) ?? PackageManifest.ReadPackage(options.OutputDirectory, f.Name))
            .OfType<PackageInfo>();
        PackageManifest.WriteAll(options.OutputDirectory, all);
        return built;
    }

    private async Task<PackageInfo> EnsureAsync(FunctionDefinition function, CancellationToken cancellationToken)
    {
        var fingerprint = Fingerprint.Compute(function, options);
        var zip = Path.Combine(options.OutputDirectory, function.Name + ".zip");
        if (!options.Force && PackageManifest.ReadPackage(options.OutputDirectory, function.Name) is { } existing && existing.Fingerprint == fingerprint &&
            File.Exists(zip) && BundledTools.Sha256Of(zip) == existing.Sha256)
        {
            logger.LogInformation("{Function}: package up to date ({Size:N0} bytes, {File})", function.Name, existing.Size, zip);
            return existing;
        }

        var started = Stopwatch.GetTimestamp();
        var staging = Path.Combine(options.OutputDirectory, ".staging", function.Name);
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        var root = Directory.CreateDirectory(Path.Combine(staging, "package")).FullName;
        logger.LogInformation("{Function}: publishing {Project} (self-contained {Rid}, ReadyToRun {ReadyToRun}, trimmed {Trimmed})", function.Name, function.Project,
            PackageOptions.RuntimeIdentifier, options.ReadyToRun, options.Trimmed);
        await DotnetPublish.RunAsync(options.RepositoryRoot, Path.Combine(options.RepositoryRoot, function.Project), root, "lambda-build", PublishProperties(),
            cancellationToken);
        MakeBootstrap(root, function);
        File.Delete(Path.Combine(root, TracingProvider));
        var tools = new BundledTools(Path.Combine(options.RepositoryRoot, ".cache", "npm"), logger);
        foreach (var tool in function.Tools)
        {
            var target = Path.Combine(root, tool.PathInPackage);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(await tools.GetAsync(tool, cancellationToken), target, overwrite: true);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, (UnixFileMode)0b111_101_101);
            File.WriteAllText(target + ".LICENSE.txt", $"{tool.NpmPackage}: {tool.Licence}\n");
        }

        var temporary = zip + ".tmp";
        var contents = DeterministicZip.Create(root, temporary);
        Directory.Delete(Path.GetDirectoryName(staging)!, recursive: true);
        var unzippedSize = contents.Sum(c => c.Size);
        if (unzippedSize > PackageInfo.MaxUnzippedBytes)
        {
            File.Delete(temporary);
            throw new InvalidOperationException($"{function.Name}: the package unzips to {unzippedSize:N0} bytes, over Lambda's limit of {PackageInfo.MaxUnzippedBytes:N0}.");
        }
        File.Move(temporary, zip, overwrite: true);
        var sha256 = BundledTools.Sha256Of(zip);
        var package = new PackageInfo(function.Name, Path.GetFileName(zip), new FileInfo(zip).Length, sha256,
            Convert.ToBase64String(Convert.FromHexString(sha256)), unzippedSize, PackageOptions.Runtime, PackageOptions.Architecture,
            options.ReadyToRun, options.Trimmed, fingerprint, DateTimeOffset.UtcNow, contents);
        PackageManifest.WritePackage(options.OutputDirectory, package);
        logger.LogInformation("{Function}: packaged in {Seconds:F1} s: {Size:N0} bytes zipped, {Unzipped:N0} unzipped, {Files} files{Upload} ({File})", function.Name,
            Stopwatch.GetElapsedTime(started).TotalSeconds, package.Size, package.UnzippedSize, contents.Count,
            package.NeedsS3Upload ? "; over 50 MB, so it is deployed through S3" : "", zip);
        return package;
    }

    private IEnumerable<string> PublishProperties()
    {
        yield return $"PublishReadyToRun={options.ReadyToRun}";
        if (options.Trimmed)
        {
            // Partial trimming removes unused framework assemblies only: the system's own and its packages' are kept
            // whole, so reflection over them (options validation, the AWS SDK) is unaffected.
            yield return "PublishTrimmed=true";
            yield return "TrimMode=partial";
            yield return "SuppressTrimAnalysisWarnings=true";
        }
    }

    /// <summary>Lambda starts the file named <c>bootstrap</c>: the published app host becomes it (it finds its
    /// assembly by the name it was built with, whatever its own file is called).</summary>
    private static void MakeBootstrap(string root, FunctionDefinition function)
    {
        var assembly = Path.GetFileNameWithoutExtension(Directory.GetFiles(root, "*.runtimeconfig.json").Single()).Replace(".runtimeconfig", "", StringComparison.Ordinal);
        var host = Path.Combine(root, assembly);
        if (!File.Exists(host)) throw new InvalidOperationException($"{function.Name}: the publish output has no app host '{assembly}'.");
        File.Move(host, Path.Combine(root, "bootstrap"));
    }

    private async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(options.OutputDirectory, ".lock");
        var waited = false;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                if (!waited) logger.LogInformation("Another build of the packages is under way; waiting for it");
                waited = true;
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
    }
}
