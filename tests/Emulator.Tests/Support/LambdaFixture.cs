using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using FaceRecognition.Emulator.Hosting;

namespace FaceRecognition.Emulator.Tests.Support;

/// <summary>An emulator in this process for the Lambda tests, with Lambda's waits shortened where AWS's would make a
/// test slow (environments idle for 3 s are stopped; an asynchronous invocation is retried after 0.3 s, then 0.6 s),
/// SDK clients, and a Lambda client. Tests sharing one use their own function and queue names.</summary>
public sealed class LambdaFixture : IAsyncLifetime
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan AsyncRetryDelay = TimeSpan.FromMilliseconds(300);

    private EmulatorHost? _host;

    public TestDirectory Data { get; } = new("lambda-data");

    public EmulatorHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public string ServiceUrl => Host.ServiceUrl.ToString().TrimEnd('/');

    public LambdaClient Lambda { get; private set; } = null!;

    public AmazonS3Client S3 { get; private set; } = null!;

    public AmazonSQSClient Sqs { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await EmulatorHost.StartAsync(options =>
        {
            options.DataDirectory = Data.Path;
            options.Credentials = [$"{EmulatorFixture.AccessKey}:{EmulatorFixture.SecretKey}"];
            options.Lambda.IdleTimeout = IdleTimeout;
            options.Lambda.AsyncRetryDelay = AsyncRetryDelay;
        });
        Lambda = new LambdaClient(ServiceUrl, EmulatorFixture.AccessKey, EmulatorFixture.SecretKey);
        var credentials = new BasicAWSCredentials(EmulatorFixture.AccessKey, EmulatorFixture.SecretKey);
        S3 = new AmazonS3Client(credentials, new AmazonS3Config { ServiceURL = ServiceUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        Sqs = new AmazonSQSClient(credentials, new AmazonSQSConfig { ServiceURL = ServiceUrl, AuthenticationRegion = "us-east-1" });
    }

    public async ValueTask DisposeAsync()
    {
        Lambda?.Dispose();
        S3?.Dispose();
        Sqs?.Dispose();
        if (_host is not null) await _host.DisposeAsync();
        Data.Dispose();
    }
}
