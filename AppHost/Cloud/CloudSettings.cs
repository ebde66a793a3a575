using FaceRecognition.Cloud.Topology;
using Microsoft.Extensions.Configuration;

namespace FaceRecognition.AppHost.Cloud;

public enum CloudBackend
{
    /// <summary>This repository's emulator, started as a resource: no Docker, no account.</summary>
    Emulator,

    /// <summary>A LocalStack container: needs a container runtime and a LocalStack auth token.</summary>
    LocalStack,

    /// <summary>Real AWS: no endpoint override, the default credential chain.</summary>
    Aws,
}

/// <summary>The AppHost's cloud configuration (<c>Cloud</c>, <c>Emulator</c>, <c>LocalStack</c> sections), checked at start
/// with messages that say which key to fix.</summary>
internal sealed record CloudSettings(
    CloudBackend Backend,
    TopologyNames Names,
    string Region,
    int? EmulatorPort,
    string EmulatorDataDirectory,
    string LocalStackImage,
    string LocalStackTag,
    int LocalStackPort,
    bool EnforceIam)
{
    public static CloudSettings From(IConfiguration configuration)
    {
        var backendText = configuration["Cloud:Backend"] ?? nameof(CloudBackend.Emulator);
        if (!Enum.TryParse<CloudBackend>(backendText, ignoreCase: true, out var backend) || !Enum.IsDefined(backend))
        {
            throw new DistributedApplicationException($"Cloud:Backend is '{backendText}'; use Emulator, LocalStack or Aws.");
        }
        var prefix = configuration["Cloud:Prefix"];
        if (backend == CloudBackend.Aws && (prefix is null || prefix == TopologyNames.DefaultPrefix))
        {
            throw new DistributedApplicationException(
                $"Cloud:Backend=Aws needs a Cloud:Prefix of your own: bucket names are global across AWS, so '{TopologyNames.DefaultPrefix}-…' buckets " +
                "belong to someone else. Use the prefix you deployed with (./deploy.sh --prefix P), e.g. --Cloud:Prefix=facerec-<your name>.");
        }
        TopologyNames names;
        try
        {
            names = new TopologyNames(prefix ?? TopologyNames.DefaultPrefix);
        }
        catch (ArgumentException e)
        {
            throw new DistributedApplicationException($"Cloud:Prefix: {e.Message}");
        }
        return new CloudSettings(
            backend,
            names,
            configuration["Cloud:Region"] ?? "us-east-1",
            Port(configuration, "Emulator:Port", 4566),
            configuration["Emulator:DataDirectory"] is { Length: > 0 } directory ? Path.GetFullPath(directory) : DefaultEmulatorDataDirectory,
            configuration["LocalStack:Image"] ?? "localstack/localstack",
            configuration["LocalStack:Tag"] ?? "4.9.2",
            Port(configuration, "LocalStack:Port", 4566) ?? 4566,
            Flag(configuration, "Emulator:EnforceIam", true));
    }

    /// <summary>Outside the repository, so <c>git clean</c> never takes a developer's data, and kept across runs.</summary>
    public static string DefaultEmulatorDataDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
            "FaceRecognition", "emulator");

    internal static bool Flag(IConfiguration configuration, string key, bool defaultValue) => configuration[key] switch
    {
        null => defaultValue,
        var text when bool.TryParse(text, out var value) => value,
        var text => throw new DistributedApplicationException($"{key} is '{text}'; use true or false."),
    };

    /// <summary>A port number, or null for "any free port" (written 0).</summary>
    internal static int? Port(IConfiguration configuration, string key, int defaultPort)
    {
        var text = configuration[key];
        if (text is null) return defaultPort;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new DistributedApplicationException($"{key} is '{text}'; use a port number (0 for any free port).");
        }
        return port == 0 ? null : port;
    }
}
