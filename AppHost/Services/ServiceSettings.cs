using FaceRecognition.AppHost.Cloud;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.ServiceDefaults;
using Microsoft.Extensions.Configuration;

namespace FaceRecognition.AppHost.Services;

/// <summary>
/// The AppHost's service configuration: <c>Recognition:Mode</c> (model | lookup), <c>Recognition:LookupTable</c> (an
/// Image,Results CSV), <c>WebTier:Port</c> (8000; 0 = any free port; further replicas take free ports),
/// <c>WebTier:Replicas</c> and <c>AppTier:Replicas</c> (with autoscaling: the most instances, default 2);
/// <c>AppTier:Autoscale</c> (true on the emulator): the app-tier replicas are EC2 instances in the emulator, started and
/// stopped by the web tier's autoscaler (<c>Scaling:*</c> goes to it); false: they all run from the start.
/// </summary>
internal sealed record ServiceSettings(string Mode, string? LookupTable, int? WebTierPort, int WebTierReplicas, int AppTierReplicas, bool Autoscale)
{
    public static ServiceSettings From(IConfiguration configuration)
    {
        var mode = (configuration["Recognition:Mode"] ?? RecognitionMode.Model).ToLowerInvariant();
        if (!RecognitionMode.IsServiceMode(mode))
        {
            throw new DistributedApplicationException($"Recognition:Mode is '{mode}'; use model or lookup.");
        }
        var table = configuration["Recognition:LookupTable"] is { Length: > 0 } path ? Path.GetFullPath(path) : null;
        if (table is not null && !File.Exists(table))
        {
            throw new DistributedApplicationException($"Recognition:LookupTable '{table}' does not exist.");
        }
        if (mode == RecognitionMode.Lookup && table is null)
        {
            throw new DistributedApplicationException("Recognition:Mode=lookup needs Recognition:LookupTable, the path of an Image,Results CSV.");
        }
        // As the original: the app tier scales from zero by queue depth, through the EC2 API (locally the emulator's).
        var autoscale = configuration["AppTier:Autoscale"] is { } text
            ? bool.TryParse(text, out var on) ? on : throw new DistributedApplicationException($"AppTier:Autoscale is '{text}'; use true or false.")
            : CloudSettings.From(configuration).Backend == CloudBackend.Emulator;
        // Scaled, at most two on a small machine (one instance already keeps two cores busy: bench/Autoscaling).
        var appTierReplicas = Replicas(configuration, "AppTier:Replicas", autoscale ? 2 : 1, 20);
        return new ServiceSettings(mode, table, CloudSettings.Port(configuration, "WebTier:Port", 8000),
            Replicas(configuration, "WebTier:Replicas", 1, 4), appTierReplicas, autoscale);
    }

    /// <summary>
    /// The rest of a service's section (<c>WebTier:ReplyTimeoutSeconds</c>, <c>AppTier:Concurrency</c>, ...) goes to the
    /// service as environment variables; Port and Replicas are the AppHost's own.
    /// </summary>
    public static IEnumerable<(string Variable, string Value)> PassThrough(IConfiguration configuration, string section) =>
        configuration.GetSection(section).GetChildren()
            .Where(c => c.Value is not null && c.Key is not "Port" and not "Replicas" and not "Autoscale")
            .Select(c => (SettingNames.Variable($"{section}:{c.Key}"), c.Value!));

    private static int Replicas(IConfiguration configuration, string key, int defaultCount, int max)
    {
        var text = configuration[key] ?? defaultCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return int.TryParse(text, out var count) && count >= 1 && count <= max
            ? count
            : throw new DistributedApplicationException($"{key} is '{text}'; use 1 to {max}.");
    }
}
