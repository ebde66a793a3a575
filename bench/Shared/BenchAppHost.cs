using Amazon.Runtime;
using Amazon.S3;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using FaceRecognition.AppHost.Cloud;

namespace FaceRecognition.Bench;

/// <summary>The whole system, started by the AppHost for a benchmark run: a fresh emulator data directory (deleted
/// afterwards: a run leaves hundreds of megabytes), free ports, known credentials, no dashboard, the services started
/// from their builds as ./run.sh starts them.</summary>
internal sealed class BenchAppHost(DistributedApplication app, string dataDirectory) : IAsyncDisposable
{
    private const string AccessKey = "AKIABENCHAPPHOST0001";
    private const string SecretKey = "bench-apphost-secret";

    public DistributedApplication App => app;

    public static Task<BenchAppHost> StartAsync(params string[] arguments) => StartAsync(dashboard: false, arguments);

    /// <param name="dashboard">With the dashboard, as ./run.sh starts the system (its telemetry pipeline is part of the cost).</param>
    public static async Task<BenchAppHost> StartAsync(bool dashboard, params string[] arguments)
    {
        var data = Directory.CreateTempSubdirectory("facerec-bench-").FullName;
        string[] all = ["--Emulator:Port=0", "--WebTier:Port=0", $"--Emulator:DataDirectory={data}",
            $"--Parameters:{CloudExtensions.AccessKeyParameter}={AccessKey}", $"--Parameters:{CloudExtensions.SecretKeyParameter}={SecretKey}",
            "--Services:Launch=built", .. arguments];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(all, (o, _) => o.DisableDashboard = !dashboard, CancellationToken.None);
        var app = await builder.BuildAsync();
        await app.StartAsync();
        return new BenchAppHost(app, data);
    }

    public Uri Endpoint(string resource) => app.GetEndpoint(resource, "http");

    public Uri EmulatorUrl => Endpoint(CloudExtensions.EmulatorName);

    /// <summary>Waits until the cloud is provisioned: buckets, queues and the functions deployed with their mappings.</summary>
    public async Task WaitForFunctionsAsync()
    {
        var provisioned = await app.ResourceNotifications.WaitForResourceAsync(CloudExtensions.ProvisioningName,
            e => e.Snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state));
        if (provisioned.Snapshot.ExitCode != 0) throw new InvalidOperationException("Provisioning failed; see the AppHost's log.");
    }

    /// <summary>A client of the emulator's own endpoints, signed with the administrator's key as they require.</summary>
    public HttpClient EmulatorAdmin() => FaceRecognition.Cloud.SignedHttp.Create(EmulatorUrl, new BasicAWSCredentials(AccessKey, SecretKey), "us-east-1", "emulator");

    public AmazonS3Client S3() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = Endpoint(CloudExtensions.EmulatorName).ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
    });

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Directory.Delete(dataDirectory, recursive: true);
    }
}
