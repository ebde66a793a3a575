using FaceRecognition.AppHost.Cloud;
using Microsoft.Extensions.Configuration;

namespace FaceRecognition.AppHost.Services;

/// <summary>
/// The AppHost's service configuration: <c>Recognition:Mode</c> (model | lookup), <c>Recognition:LookupTable</c> (an
/// Image,Results CSV), <c>WebTier:Port</c> (8000; 0 = any free port) and <c>AppTier:Replicas</c>.
/// </summary>
internal sealed record ServiceSettings(string Mode, string? LookupTable, int? WebTierPort, int AppTierReplicas)
{
    public static ServiceSettings From(IConfiguration configuration)
    {
        var mode = (configuration["Recognition:Mode"] ?? "model").ToLowerInvariant();
        if (mode is not ("model" or "lookup"))
        {
            throw new DistributedApplicationException($"Recognition:Mode is '{mode}'; use model or lookup.");
        }
        var table = configuration["Recognition:LookupTable"] is { Length: > 0 } path ? Path.GetFullPath(path) : null;
        if (table is not null && !File.Exists(table))
        {
            throw new DistributedApplicationException($"Recognition:LookupTable '{table}' does not exist.");
        }
        if (mode == "lookup" && table is null)
        {
            throw new DistributedApplicationException("Recognition:Mode=lookup needs Recognition:LookupTable, the path of an Image,Results CSV.");
        }
        var replicasText = configuration["AppTier:Replicas"] ?? "1";
        if (!int.TryParse(replicasText, out var replicas) || replicas is < 1 or > 20)
        {
            throw new DistributedApplicationException($"AppTier:Replicas is '{replicasText}'; use 1 to 20.");
        }
        return new ServiceSettings(mode, table, CloudSettings.Port(configuration, "WebTier:Port", 8000), replicas);
    }
}
