using FaceRecognition.Cloud.Topology;
using FaceRecognition.ServiceDefaults;
using FaceRecognition.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceRecognition.WebTier.Tests;

/// <summary>The web tier's own Program in a test server, on the in-process emulator with its buckets and queues
/// provisioned under a prefix of its own (WebTierOptions names the web tier's assembly: both it and the emulator have a Program); <paramref name="settings"/> go over the defaults.</summary>
internal sealed class WebTierHost(EmulatorClients cloud, string prefix, IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<WebTierOptions>
{
    public const string ApiKey = "web-tier-tests-api-key-000001";

    public static async Task<WebTierHost> StartAsync(EmulatorClients cloud, string prefix, IReadOnlyDictionary<string, string>? settings, CancellationToken cancellationToken)
    {
        var topology = SystemTopology.For(new TopologyNames(prefix));
        await new TopologyProvisioner(cloud.S3, cloud.Sqs, NullLogger.Instance).ProvisionBucketsAndQueuesAsync(topology, cancellationToken);
        return new WebTierHost(cloud, prefix, settings ?? new Dictionary<string, string>());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting(SettingNames.Aws.ServiceUrl, cloud.ServiceUrl.ToString());
        builder.UseSetting(SettingNames.Aws.Region, "us-east-1");
        builder.UseSetting(SettingNames.Aws.AccessKey, EmulatorClients.AccessKey);
        builder.UseSetting(SettingNames.Aws.SecretKey, EmulatorClients.SecretKey);
        builder.UseSetting(SettingNames.Cloud.Prefix, prefix);
        builder.UseSetting(SettingNames.FrontDoor.ApiKey, ApiKey);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A client of the web tier, sending <paramref name="apiKey"/> as <c>X-Api-Key</c> when given.</summary>
    public HttpClient Client(string? apiKey = null)
    {
        var client = CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }
        return client;
    }
}
