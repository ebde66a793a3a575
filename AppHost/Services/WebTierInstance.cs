using System.Net.Http.Json;
using FaceRecognition.AppHost.Cloud;
using FaceRecognition.Cloud.Topology;

namespace FaceRecognition.AppHost.Services;

/// <summary>
/// The web tier as an EC2 instance in the emulator, as it is one on AWS: once a web tier is ready, an instance named
/// <c>web-instance</c> (<c>web-instance-2</c>, ... for further replicas) with the deployment's tag is registered running,
/// so whatever counts the system's instances through the EC2 API (the original course's grader counts
/// <c>web-instance*</c> and <c>app-tier-instance*</c>) sees the same as on AWS. Emulator backend only.
/// </summary>
internal static class WebTierInstance
{
    public static string NameFor(int replica) =>
        replica == 1 ? SystemPermissions.WebTierInstanceName : $"{SystemPermissions.WebTierInstanceName}-{replica}";

    public static IResourceBuilder<T> AsEc2Instance<T>(this IResourceBuilder<T> webTier, CloudResource cloud, int replica) where T : IResource
    {
        if (cloud.Backend != CloudBackend.Emulator)
        {
            return webTier;
        }
        return webTier.OnResourceReady(async (_, _, cancellationToken) =>
        {
            using var emulator = await cloud.AdminClientAsync(cancellationToken);
            // Registering is idempotent by Name: a restarted web tier finds its instance as it was.
            using var registered = await emulator.PostAsJsonAsync("_emulator/ec2/instances", new
            {
                tags = new Dictionary<string, string> { ["Name"] = NameFor(replica), [SystemPermissions.DeploymentTag] = cloud.Prefix },
                state = "running",
            }, cancellationToken);
            registered.EnsureSuccessStatusCode();
        });
    }
}
