using System.Diagnostics;
using FaceRecognition.Lambdas.Packaging;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.Deploy;

/// <summary>A tier that runs on EC2: its project and the executable its publish output starts.</summary>
public sealed record TierDefinition(string Name, string Project, string Executable)
{
    public static readonly TierDefinition Web = new("web-tier", "WebTier/WebTier.csproj", "FaceRecognition.WebTier");
    public static readonly TierDefinition App = new("app-tier", "AppTier/AppTier.csproj", "FaceRecognition.AppTier");
    public static readonly IReadOnlyList<TierDefinition> All = [Web, App];
}

/// <summary>
/// The web and app tiers as EC2 runs them: each published self-contained for linux-x64 (Amazon Linux 2023 needs no .NET
/// installed; the app tier's models travel in its output) and zipped deterministically, so that an unchanged tier
/// keeps its asset hash and CloudFormation leaves its instances alone (<see cref="DotnetPublish"/>, under artifacts/tier-build).
/// </summary>
public sealed class TierBuilds(string repositoryRoot, string outputDirectory, ILogger logger)
{
    /// <summary>Publishes every tier and returns each zip's path by tier name.</summary>
    public async Task<IReadOnlyDictionary<string, string>> EnsureAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outputDirectory);
        var zips = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tier in TierDefinition.All) zips[tier.Name] = await EnsureAsync(tier, cancellationToken);
        return zips;
    }

    private async Task<string> EnsureAsync(TierDefinition tier, CancellationToken cancellationToken)
    {
        var published = Path.Combine(outputDirectory, ".publish", tier.Name);
        var started = Stopwatch.GetTimestamp();
        await DotnetPublish.RunAsync(repositoryRoot, Path.Combine(repositoryRoot, tier.Project), published, "tier-build", [], cancellationToken);
        var zip = Path.Combine(outputDirectory, tier.Name + ".zip");
        var newest = Directory.EnumerateFiles(published, "*", SearchOption.AllDirectories).Max(File.GetLastWriteTimeUtc);
        if (File.Exists(zip) && File.GetLastWriteTimeUtc(zip) > newest)
        {
            logger.LogInformation("{Tier}: build unchanged ({Size:N0} bytes, {Zip})", tier.Name, new FileInfo(zip).Length, zip);
            return zip;
        }
        DeterministicZip.Create(published, zip + ".tmp");
        File.Move(zip + ".tmp", zip, overwrite: true);
        logger.LogInformation("{Tier}: published and zipped in {Seconds:F0} s ({Size:N0} bytes, {Zip})", tier.Name,
            Stopwatch.GetElapsedTime(started).TotalSeconds, new FileInfo(zip).Length, zip);
        return zip;
    }
}
