using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using FaceRecognition.Cloud;
using FaceRecognition.Emulator.Hosting;

namespace FaceRecognition.Tests.Support;

/// <summary>An in-process emulator with real SDK clients, one per test class.</summary>
public sealed class EmulatorClients : IAsyncLifetime
{
    public const string AccessKey = "AKIACLOUDTESTS000001";
    public const string SecretKey = "cloud-tests-secret";
    private readonly string _data = Directory.CreateTempSubdirectory("facerec-cloud-").FullName;
    private EmulatorHost _emulator = null!;

    public Uri ServiceUrl => _emulator.ServiceUrl;

    public AmazonS3Client S3 { get; private set; } = null!;

    public AmazonSQSClient Sqs { get; private set; } = null!;

    /// <summary>A client of the emulator's own endpoints, signed with the administrator's key as they require.</summary>
    public HttpClient Admin() => SignedHttp.Create(ServiceUrl, new BasicAWSCredentials(AccessKey, SecretKey), "us-east-1", "emulator");

    /// <summary>Whether the emulator has a queue of that name now.</summary>
    public async Task<bool> QueueExistsAsync(string queue, CancellationToken cancellationToken)
    {
        try
        {
            await Sqs.GetQueueUrlAsync(queue, cancellationToken);
            return true;
        }
        catch (Amazon.SQS.Model.QueueDoesNotExistException)
        {
            return false;
        }
    }

    public async ValueTask InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync(o =>
        {
            o.DataDirectory = _data;
            o.Credentials = [$"{AccessKey}:{SecretKey}"];
        });
        var credentials = new BasicAWSCredentials(AccessKey, SecretKey);
        S3 = new AmazonS3Client(credentials, new AmazonS3Config { ServiceURL = _emulator.ServiceUrl.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        Sqs = new AmazonSQSClient(credentials, new AmazonSQSConfig { ServiceURL = _emulator.ServiceUrl.ToString(), AuthenticationRegion = "us-east-1" });
    }

    public async ValueTask DisposeAsync()
    {
        S3.Dispose();
        Sqs.Dispose();
        await _emulator.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}
