using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using FaceRecognition.Emulator.Hosting;

namespace FaceRecognition.Emulator.Tests.Support;

/// <summary>An emulator in this process on a free port, with its own data directory, and SDK clients in their default
/// configuration pointed at it. Tests sharing one use their own bucket and queue names.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public const string AccessKey = "AKIAEMULATORTEST0001";
    public const string SecretKey = "emulator-test-secret-key-0123456789abcdef";

    private EmulatorHost? _host;

    public TestDirectory Data { get; } = new("emulator-data");

    public OffsetTimeProvider Clock { get; } = new();

    public EmulatorHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public string ServiceUrl => Host.ServiceUrl.ToString().TrimEnd('/');

    public AmazonS3Client S3 { get; private set; } = null!;

    public AmazonSQSClient Sqs { get; private set; } = null!;

    public async ValueTask InitializeAsync() => await StartAsync();

    public async Task StartAsync(int port = 0)
    {
        _host = await EmulatorHost.StartAsync(options =>
        {
            options.Port = port;
            options.DataDirectory = Data.Path;
            options.Credentials = [$"{AccessKey}:{SecretKey}"];
        }, clock: Clock);
        S3 = CreateS3();
        Sqs = CreateSqs();
    }

    /// <summary>Stops the emulator (draining its commit log) and starts it again on the same data and port.</summary>
    public async Task RestartAsync()
    {
        var port = Host.ServiceUrl.Port;
        S3.Dispose();
        Sqs.Dispose();
        await Host.DisposeAsync();
        await StartAsync(port);
    }

    /// <summary>A new, empty bucket with a name unique in this run.</summary>
    public async Task<string> NewBucket(string purpose, CancellationToken cancellationToken)
    {
        var name = Names.Unique(purpose);
        await S3.PutBucketAsync(name, cancellationToken);
        return name;
    }

    public AmazonS3Client CreateS3(Action<AmazonS3Config>? configure = null, string accessKey = AccessKey, string secretKey = SecretKey)
    {
        var config = new AmazonS3Config { ServiceURL = ServiceUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1" };
        configure?.Invoke(config);
        return new AmazonS3Client(new BasicAWSCredentials(accessKey, secretKey), config);
    }

    public AmazonSQSClient CreateSqs(Action<AmazonSQSConfig>? configure = null, string accessKey = AccessKey, string secretKey = SecretKey)
    {
        var config = new AmazonSQSConfig { ServiceURL = ServiceUrl, AuthenticationRegion = "us-east-1" };
        configure?.Invoke(config);
        return new AmazonSQSClient(new BasicAWSCredentials(accessKey, secretKey), config);
    }

    public async ValueTask DisposeAsync()
    {
        S3?.Dispose();
        Sqs?.Dispose();
        if (_host is not null) await _host.DisposeAsync();
        Data.Dispose();
    }
}

/// <summary>The system clock, shifted by an offset a test can move forward (retention, expiry).</summary>
public sealed class OffsetTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
}

/// <summary>A fresh folder under the system temp directory, deleted on dispose.</summary>
public sealed class TestDirectory(string purpose) : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"facerec-{purpose}-{Guid.NewGuid():N}")).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public static class Names
{
    private static int s_counter;

    /// <summary>A bucket or queue name unique in this test run.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Interlocked.Increment(ref s_counter)}-{Guid.NewGuid().ToString("N")[..8]}";
}
