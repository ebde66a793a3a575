using System.Net;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using FaceRecognition.Emulator.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

/// <summary>The emulator executable as a person starts it.</summary>
public sealed partial class ExecutableTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithoutCredentialsItGeneratesAPairPrintsItAndAcceptsIt()
    {
        using var data = new TestDirectory("generated");
        await using var emulator = await EmulatorProcess.StartAsync(data.Path, withCredentials: false, cancellationToken: _ct);

        var accessKey = AccessKeyLine().Match(emulator.Output).Groups[1].Value;
        var secretKey = SecretKeyLine().Match(emulator.Output).Groups[1].Value;
        Assert.Matches("^AKIA[A-Z2-7]{16}$", accessKey);
        Assert.Equal(40, secretKey.Length);
        using var s3 = new AmazonS3Client(new BasicAWSCredentials(accessKey, secretKey),
            new AmazonS3Config { ServiceURL = emulator.ServiceUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        await s3.PutBucketAsync("generated-credentials", _ct);
        Assert.Contains((await s3.ListBucketsAsync(_ct)).Buckets, b => b.BucketName == "generated-credentials");
    }

    [Fact]
    public async Task ItListensOnLoopbackOnlyAndAnswersHealth()
    {
        using var data = new TestDirectory("loopback");
        await using var emulator = await EmulatorProcess.StartAsync(data.Path, cancellationToken: _ct);
        Assert.Contains($"listening on http://127.0.0.1:{emulator.Port}", emulator.Output, StringComparison.Ordinal);
        using var http = new HttpClient();
        var health = await http.GetAsync($"{emulator.ServiceUrl}/_emulator/health", _ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("healthy", await health.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMalformedCredentialIsRefusedAtStartWithTheRule()
    {
        using var data = new TestDirectory("bad-credentials");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            EmulatorProcess.StartAsync(data.Path, extraArguments: ["--credentials", "no-colon-here"], cancellationToken: _ct));
        Assert.Contains("KEY:SECRET", error.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"AWS_ACCESS_KEY_ID=(\S+)")]
    private static partial Regex AccessKeyLine();

    [GeneratedRegex(@"AWS_SECRET_ACCESS_KEY=(\S+)")]
    private static partial Regex SecretKeyLine();
}
