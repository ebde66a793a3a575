using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using FaceRecognition.AppHost.Cloud;
using FaceRecognition.AppHost.Services;
using Microsoft.Extensions.DependencyInjection;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>The whole AppHost, started for real through Aspire.Hosting.Testing, on a free emulator port and a data
/// directory of its own, with known credentials (so no generated secret is written to anyone's user secrets), and the
/// services started from their builds as ./run.sh starts them (<c>Services:Launch=built</c>; a test may pass
/// <c>--Services:Launch=project</c>, the AppHost's own default, which wins being later).</summary>
public sealed class AppHostRun : IAsyncDisposable
{
    public const string AccessKey = "AKIAENDTOENDTEST0001";
    public const string SecretKey = "end-to-end-test-secret-key";
    public const string ApiKey = "end-to-end-test-api-key-00001";
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private AppHostRun(DistributedApplication app, string dataDirectory, string cloudResource)
    {
        App = app;
        DataDirectory = dataDirectory;
        _cloudResource = cloudResource;
    }

    private readonly string _cloudResource;

    public DistributedApplication App { get; }

    public string DataDirectory { get; }

    /// <summary>Whether disposing the run deletes its data directory (a test that starts the AppHost again on the same
    /// data turns it off for the first run).</summary>
    public bool DeleteDataOnDispose { get; set; } = true;

    public Uri EmulatorUrl => App.GetEndpoint(CloudExtensions.EmulatorName, "http");

    /// <summary>The endpoint of whichever local cloud this run uses (the emulator, or LocalStack).</summary>
    public Uri CloudUrl => App.GetEndpoint(_cloudResource, "http");

    public Uri WebTierUrl => App.GetEndpoint(ServiceExtensions.WebTierName, "http");

    /// <summary>Waits until the web tier answers its health check (its reply queue exists by then).</summary>
    public Task<ResourceEvent> WebTierHealthy(CancellationToken cancellationToken) =>
        App.ResourceNotifications.WaitForResourceHealthyAsync(ServiceExtensions.WebTierName, cancellationToken).WaitAsync(StartTimeout, cancellationToken);

    /// <summary>A client of the web tier that sends the system's API key (<c>X-Api-Key</c>), as enrolment and deletion need.</summary>
    public HttpClient KeyedWebTierClient(TimeSpan timeout)
    {
        var client = new HttpClient { BaseAddress = WebTierUrl, Timeout = timeout };
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    /// <summary>The process id of a running project or executable resource, as the dashboard shows it.</summary>
    public static int ProcessId(CustomResourceSnapshot snapshot) =>
        Convert.ToInt32(snapshot.Properties.Single(p => p.Name == "executable.pid").Value, System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<AppHostRun> StartAsync(string dataDirectory, CancellationToken cancellationToken, params string[] extraArguments)
    {
        string[] arguments =
        [
            "--Emulator:Port=0",
            "--WebTier:Port=0",
            $"--Emulator:DataDirectory={dataDirectory}",
            $"--Parameters:{CloudExtensions.AccessKeyParameter}={AccessKey}",
            $"--Parameters:{CloudExtensions.SecretKeyParameter}={SecretKey}",
            $"--Parameters:{ServiceExtensions.ApiKeyParameter}={ApiKey}",
            "--Services:Launch=built",
            .. extraArguments,
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(arguments,
            (options, _) => options.DisableDashboard = true, cancellationToken);
        var app = await builder.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken).WaitAsync(StartTimeout, cancellationToken);
        await app.ResourceNotifications.WaitForResourceAsync(CloudExtensions.ProvisioningName,
            e => e.Snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state), cancellationToken).WaitAsync(StartTimeout, cancellationToken);
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var cloudResource = model.Resources.Any(r => r.Name == CloudExtensions.LocalStackName) ? CloudExtensions.LocalStackName : CloudExtensions.EmulatorName;
        return new AppHostRun(app, dataDirectory, cloudResource);
    }

    public async Task<string?> ProvisioningState(CancellationToken cancellationToken)
    {
        var resourceEvent = await App.ResourceNotifications.WaitForResourceAsync(CloudExtensions.ProvisioningName, _ => true, cancellationToken);
        return resourceEvent.Snapshot.State?.Text;
    }

    /// <summary>A client of the emulator's own endpoints, signed with the administrator's key as they require.</summary>
    public HttpClient EmulatorAdmin(TimeSpan? timeout = null) =>
        FaceRecognition.Cloud.SignedHttp.Create(EmulatorUrl, new BasicAWSCredentials(AccessKey, SecretKey), "us-east-1", "emulator", timeout);

    public AmazonS3Client S3() => new(new BasicAWSCredentials(AccessKey, SecretKey),
        new AmazonS3Config { ServiceURL = CloudUrl.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    public AmazonSQSClient Sqs() => new(new BasicAWSCredentials(AccessKey, SecretKey),
        new AmazonSQSConfig { ServiceURL = CloudUrl.ToString(), AuthenticationRegion = "us-east-1" });

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        // A run's data directory holds its buckets and the functions' unpacked packages (hundreds of megabytes).
        if (!DeleteDataOnDispose) return;
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
