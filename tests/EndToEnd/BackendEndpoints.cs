using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using FaceRecognition.AppHost.Cloud;
using FaceRecognition.Emulator.Hosting;
using Testcontainers.LocalStack;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>
/// A bare S3 + SQS endpoint per backend for the SDK-level cross-backend tests, started once per test class on first use:
/// the emulator in process, or LocalStack through Testcontainers (the same image and tag the AppHost pins).
/// </summary>
public sealed class BackendEndpoints : IAsyncDisposable
{
    private const string AccessKey = "AKIABACKENDOPS000001";
    private const string SecretKey = "backend-operations-secret";
    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly Dictionary<string, (Uri Url, IAsyncDisposable Server)> _started = [];
    private readonly string _data = Directory.CreateTempSubdirectory("facerec-backend-ops-").FullName;

    /// <summary>Clients for <paramref name="backend"/>, or the test is skipped saying why the backend cannot run here.</summary>
    public async Task<(AmazonS3Client S3, AmazonSQSClient Sqs)> ClientsAsync(string backend)
    {
        if (BackendAvailability.Here(backend) is { } reason)
        {
            Assert.Skip($"{backend} backend: {reason}.");
        }
        await _starting.WaitAsync();
        try
        {
            if (!_started.TryGetValue(backend, out var endpoint))
            {
                endpoint = backend == nameof(CloudBackend.Emulator) ? await StartEmulatorAsync() : await StartLocalStackAsync();
                _started[backend] = endpoint;
            }
            var credentials = new BasicAWSCredentials(AccessKey, SecretKey);
            return (new AmazonS3Client(credentials, new AmazonS3Config { ServiceURL = endpoint.Url.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" }),
                new AmazonSQSClient(credentials, new AmazonSQSConfig { ServiceURL = endpoint.Url.ToString(), AuthenticationRegion = "us-east-1" }));
        }
        finally
        {
            _starting.Release();
        }
    }

    private async Task<(Uri, IAsyncDisposable)> StartEmulatorAsync()
    {
        var host = await EmulatorHost.StartAsync(o =>
        {
            o.DataDirectory = _data;
            o.Credentials = [$"{AccessKey}:{SecretKey}"];
        });
        return (host.ServiceUrl, host);
    }

    private static async Task<(Uri, IAsyncDisposable)> StartLocalStackAsync()
    {
        var settings = CloudSettings.From(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        var container = new LocalStackBuilder($"{settings.LocalStackImage}:{settings.LocalStackTag}")
            .WithEnvironment(BackendAvailability.TokenVariable, Environment.GetEnvironmentVariable(BackendAvailability.TokenVariable))
            .WithEnvironment("SERVICES", "s3,sqs")
            .Build();
        await container.StartAsync();
        return (new Uri(container.GetConnectionString()), container);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, server) in _started.Values)
        {
            await server.DisposeAsync();
        }
        Directory.Delete(_data, recursive: true);
    }
}
