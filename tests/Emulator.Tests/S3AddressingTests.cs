using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FaceRecognition.Emulator.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

/// <summary>Presigned URLs and virtual-hosted-style addressing (<c>bucket.localhost</c>).</summary>
public sealed class S3AddressingTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private Task<string> NewBucket() => emulator.NewBucket("addressing", _ct);

    [Fact]
    public async Task PresignedPutAndGetWorkWithAPlainHttpClient()
    {
        var bucket = await NewBucket();
        var putUrl = await Presign(bucket, "shared/file.txt", HttpVerb.PUT);
        using var http = new HttpClient();
        var put = await http.PutAsync(putUrl, new StringContent("via presigned url"), _ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var getUrl = await Presign(bucket, "shared/file.txt", HttpVerb.GET);
        Assert.Equal("via presigned url", await http.GetStringAsync(getUrl, _ct));
    }

    [Fact]
    public async Task ATamperedOrExpiredPresignedUrlIsRefused()
    {
        var bucket = await NewBucket();
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "secret.txt", ContentBody = "secret" }, _ct);
        var url = await Presign(bucket, "secret.txt", HttpVerb.GET);
        using var http = new HttpClient();
        var tampered = await http.GetAsync(url.Replace("secret.txt", "other.txt", StringComparison.Ordinal), _ct);
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", await tampered.Content.ReadAsStringAsync(_ct));

        emulator.Clock.Advance(TimeSpan.FromMinutes(10));
        try
        {
            var expired = await http.GetAsync(url, _ct);
            Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
            Assert.Contains("expired", await expired.Content.ReadAsStringAsync(_ct), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            emulator.Clock.Advance(TimeSpan.FromMinutes(-10));
        }
    }

    [Fact]
    public async Task VirtualHostedStyleAddressesTheBucketByHostName()
    {
        var bucket = await NewBucket();
        // The SDK names the host <bucket>.localhost:<port>; the connection itself always goes to the loopback address.
        using var s3 = emulator.CreateS3(config =>
        {
            config.ServiceURL = $"http://localhost:{emulator.Host.ServiceUrl.Port}";
            config.ForcePathStyle = false;
            config.HttpClientFactory = new LoopbackHttpClientFactory();
        });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "virtual/key.txt", ContentBody = "virtual hosted" }, _ct);

        using var get = await emulator.S3.GetObjectAsync(bucket, "virtual/key.txt", _ct);
        Assert.Equal("virtual hosted", System.Text.Encoding.UTF8.GetString(await S3ObjectTests.ReadAll(get.ResponseStream)));
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, _ct);
        Assert.Equal(["virtual/key.txt"], listed.S3Objects.Select(o => o.Key));
    }

    private Task<string> Presign(string bucket, string key, HttpVerb verb) => emulator.S3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
    {
        BucketName = bucket,
        Key = key,
        Verb = verb,
        Expires = DateTime.UtcNow.AddMinutes(5),
        Protocol = Amazon.S3.Protocol.HTTP,
    });

    private sealed class LoopbackHttpClientFactory : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
    }
}
