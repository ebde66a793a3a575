using System.Diagnostics;

namespace FaceRecognition.Lambdas.Packaging;

/// <summary>
/// <c>dotnet publish</c> of a project, self-contained for linux-x64 in Release, into a folder: what both the functions'
/// packages and the tiers' builds for EC2 (deploy/TierBuilds) are made from. The publish restores and builds under
/// <c>artifacts/&lt;isolatedBuild&gt;</c> (Directory.Build.props' <c>IsolatedBuild</c>), so it leaves the everyday
/// build's obj/ and bin/ as they were; debugging symbols and XML documentation are left out of the output.
/// </summary>
public static class DotnetPublish
{
    private static readonly string[] s_excludedSuffixes = [".pdb", ".xml", ".dbg"];

    /// <param name="properties">Further MSBuild properties, each <c>Name=Value</c>.</param>
    public static async Task RunAsync(string repositoryRoot, string project, string output, string isolatedBuild, IEnumerable<string> properties,
        CancellationToken cancellationToken)
    {
        List<string> arguments =
        [
            "publish", project, "-c", "Release", "-r", PackageOptions.RuntimeIdentifier, "--self-contained", "true", "-o", output, "--nologo", "-v", "quiet",
            "-p:DebugType=none", $"-p:IsolatedBuild={isolatedBuild}", .. properties.Select(p => "-p:" + p),
        ];
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = repositoryRoot,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var outputText = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errorText = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish {Path.GetFileName(project)} failed (exit code {process.ExitCode}):\n{(await outputText).Trim()}\n{(await errorText).Trim()}");
        }
        foreach (var file in Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories))
        {
            if (s_excludedSuffixes.Any(s => file.EndsWith(s, StringComparison.OrdinalIgnoreCase))) File.Delete(file);
        }
    }
}
