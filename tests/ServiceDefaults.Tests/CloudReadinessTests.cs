using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using FaceRecognition.ServiceDefaults;
using FaceRecognition.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FaceRecognition.ServiceDefaults.Tests;

/// <summary>Readiness against the real emulator: healthy while every queue and bucket answers, and says which does not.</summary>
public sealed class CloudReadinessTests : IAsyncLifetime
{
    private readonly EmulatorClients _cloud = new();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _cloud.InitializeAsync();
        await _cloud.Sqs.CreateQueueAsync("requests", _ct);
        await _cloud.S3.PutBucketAsync("gallery", _ct);
        await _cloud.S3.PutBucketAsync("answers", _ct);
    }

    [Fact]
    public async Task Healthy_while_every_queue_and_bucket_answers()
    {
        var report = await Check(_cloud.Sqs, _cloud.S3);

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal("1 queue(s) and 2 bucket(s) answer", report.Entries[CloudReadiness.CheckName].Description);
    }

    [Fact]
    public async Task A_missing_bucket_or_queue_makes_the_service_unhealthy_naming_it()
    {
        await _cloud.S3.DeleteBucketAsync("gallery", _ct);
        await _cloud.Sqs.DeleteQueueAsync((await _cloud.Sqs.GetQueueUrlAsync("requests", _ct)).QueueUrl, _ct);

        var report = await Check(_cloud.Sqs, _cloud.S3);

        var description = report.Entries[CloudReadiness.CheckName].Description;
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains("queue requests does not answer", description, StringComparison.Ordinal);
        Assert.Contains("bucket gallery does not answer", description, StringComparison.Ordinal);
        Assert.DoesNotContain("answers does not answer", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cloud_that_is_gone_makes_the_service_unhealthy()
    {
        var credentials = new BasicAWSCredentials(EmulatorClients.AccessKey, EmulatorClients.SecretKey);
        using var sqs = new AmazonSQSClient(credentials, new AmazonSQSConfig { ServiceURL = "http://127.0.0.1:9", AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        using var s3 = new AmazonS3Client(credentials, new AmazonS3Config { ServiceURL = "http://127.0.0.1:9", ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

        var report = await Check(sqs, s3);

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Equal(3, report.Entries[CloudReadiness.CheckName].Description!.Split("; ").Length);
    }

    private async Task<HealthReport> Check(IAmazonSQS sqs, IAmazonS3 s3)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(sqs).AddSingleton(s3);
        services.AddHealthChecks().AddCloudReachable(_ => new CloudDependencies(["requests"], ["gallery", "answers"]));
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(_ct);
    }

    public async ValueTask DisposeAsync() => await _cloud.DisposeAsync();
}
