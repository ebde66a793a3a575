using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

/// <summary>Malformed, truncated, oversized and malicious requests get an AWS-shaped error, change nothing, and the
/// emulator keeps serving.</summary>
public sealed class HostileInputTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly TestSigner _signer = new(EmulatorFixture.AccessKey, EmulatorFixture.SecretKey);
    private readonly HttpClient _http = new();

    private Task<string> NewBucket() => emulator.NewBucket("hostile", _ct);

    private async Task<(HttpStatusCode Status, string Body)> SendSigned(HttpMethod method, string pathAndQuery, byte[] body, string service = "s3",
        Dictionary<string, string>? headers = null)
    {
        var request = _signer.Sign(method, new Uri(emulator.ServiceUrl + pathAndQuery), service, TestSigner.Sha256Hex(body), body, headers);
        var response = await _http.SendAsync(request, _ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(_ct));
    }

    private static Dictionary<string, string> WithMd5(byte[] body) => new() { ["content-md5"] = Convert.ToBase64String(MD5.HashData(body)) };

    [Theory]
    [InlineData("<Delete><Object><Key>a</Key>")]
    [InlineData("not xml at all")]
    [InlineData("<Wrong><Object><Key>a</Key></Object></Wrong>")]
    [InlineData("<Delete></Delete>")]
    public async Task MalformedDeleteDocumentsAreRefused(string document)
    {
        var bucket = await NewBucket();
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "kept" }, _ct);
        var body = Encoding.UTF8.GetBytes(document);
        var (status, text) = await SendSigned(HttpMethod.Post, $"/{bucket}?delete", body, headers: WithMd5(body));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("<Code>MalformedXML</Code>", text);
        Assert.Equal("kept", await ReadText(bucket, "a"));
    }

    [Fact]
    public async Task XmlWithADocumentTypeIsRefusedNotExpanded()
    {
        var bucket = await NewBucket();
        var document = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <NotificationConfiguration><QueueConfiguration><Id>&lol2;&xxe;</Id></QueueConfiguration></NotificationConfiguration>
            """;
        var body = Encoding.UTF8.GetBytes(document);
        var (status, text) = await SendSigned(HttpMethod.Put, $"/{bucket}?notification", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("<Code>MalformedXML</Code>", text);
        Assert.DoesNotContain("root:", text);
    }

    [Fact]
    public async Task AMalformedCompletionListIsRefusedAndTheUploadSurvives()
    {
        var bucket = await NewBucket();
        var upload = await emulator.S3.InitiateMultipartUploadAsync(bucket, "k", _ct);
        var body = "<CompleteMultipartUpload><Part><PartNumber>x</PartNumber>"u8.ToArray();
        var (status, _) = await SendSigned(HttpMethod.Post, $"/{bucket}/k?uploadId={upload.UploadId}", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var parts = await emulator.S3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "k", UploadId = upload.UploadId }, _ct);
        Assert.Equal(upload.UploadId, parts.UploadId);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"QueueName": 17}""")]
    [InlineData("[]")]
    [InlineData("""{"QueueUrl":"x","MaxNumberOfMessages":"many"}""")]
    public async Task MalformedSqsJsonIsRefused(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var request = _signer.Sign(HttpMethod.Post, new Uri(emulator.ServiceUrl + "/"), "sqs", TestSigner.Sha256Hex(body), body,
            new Dictionary<string, string> { ["content-type"] = "application/x-amz-json-1.0", ["x-amz-target"] = "AmazonSQS.ReceiveMessage" });
        var response = await _http.SendAsync(request, _ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("__type", await response.Content.ReadAsStringAsync(_ct));
        Assert.True(response.Headers.Contains("x-amzn-query-error"));
    }

    [Fact]
    public async Task AnUnknownSqsOperationIsRefused()
    {
        var body = "{}"u8.ToArray();
        var request = _signer.Sign(HttpMethod.Post, new Uri(emulator.ServiceUrl + "/"), "sqs", TestSigner.Sha256Hex(body), body,
            new Dictionary<string, string> { ["content-type"] = "application/x-amz-json-1.0", ["x-amz-target"] = "AmazonSQS.DropEverything" });
        var response = await _http.SendAsync(request, _ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("DropEverything", await response.Content.ReadAsStringAsync(_ct));
    }

    [Fact]
    public async Task ATruncatedChunkedUploadStoresNothingAndTheServerKeepsServing()
    {
        var bucket = await NewBucket();
        var declared = 100_000;
        var request = _signer.Sign(HttpMethod.Put, new Uri($"{emulator.ServiceUrl}/{bucket}/truncated"), "s3", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", null,
            new Dictionary<string, string>
            {
                ["content-encoding"] = "aws-chunked",
                ["x-amz-decoded-content-length"] = declared.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["x-amz-trailer"] = "x-amz-checksum-crc32",
            });
        // Announce a full body, send a third of it, hang up.
        await SendHeadAndHangUp(request, declared + 200, [.. Encoding.ASCII.GetBytes($"{declared:x}\r\n"), .. new byte[declared / 3]]);

        // The server is still up and the object never appeared.
        await Assert.ThrowsAsync<NoSuchKeyException>(() => emulator.S3.GetObjectAsync(bucket, "truncated", _ct));
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "after", ContentBody = "still serving" }, _ct);
        Assert.Equal("still serving", await ReadText(bucket, "after"));
    }

    [Fact]
    public async Task ALargeBodyWithAWrongChecksumIsRefusedAndTheServerKeepsServing()
    {
        // Above 1 MiB the body is hashed off the socket thread: its failures must end the request just as cleanly.
        var bucket = await NewBucket();
        var body = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(body);
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => emulator.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "large-bad",
            InputStream = new MemoryStream(body),
            ChecksumSHA256 = Convert.ToBase64String(SHA256.HashData("other"u8)),
        }, _ct));
        Assert.Equal("BadDigest", error.ErrorCode);
        await Assert.ThrowsAsync<NoSuchKeyException>(() => emulator.S3.GetObjectAsync(bucket, "large-bad", _ct));
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "large-good", InputStream = new MemoryStream(body) }, _ct);
        using var get = await emulator.S3.GetObjectAsync(bucket, "large-good", _ct);
        Assert.Equal(body, await S3ObjectTests.ReadAll(get.ResponseStream));
    }

    [Fact]
    public async Task ALargeUploadCutOffMidwayStoresNothing()
    {
        var bucket = await NewBucket();
        var declared = 5 * 1024 * 1024;
        var request = _signer.Sign(HttpMethod.Put, new Uri($"{emulator.ServiceUrl}/{bucket}/cut"), "s3", "UNSIGNED-PAYLOAD", null,
            new Dictionary<string, string> { ["content-length"] = declared.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await SendHeadAndHangUp(request, contentLength: null, new byte[2 * 1024 * 1024]);
        await Assert.ThrowsAsync<NoSuchKeyException>(() => emulator.S3.GetObjectAsync(bucket, "cut", _ct));
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "after", ContentBody = "still serving" }, _ct);
        Assert.Equal("still serving", await ReadText(bucket, "after"));
    }

    [Fact]
    public async Task ChunksThatDisagreeWithTheDeclaredLengthAreRefused()
    {
        var bucket = await NewBucket();
        var crc = Convert.ToBase64String(S3ChecksumTests.BigEndianCrc32("hello world"u8.ToArray()));
        var body = Encoding.ASCII.GetBytes($"B\r\nhello world\r\n0\r\nx-amz-checksum-crc32:{crc}\r\n\r\n");
        var request = _signer.Sign(HttpMethod.Put, new Uri($"{emulator.ServiceUrl}/{bucket}/short"), "s3", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", body,
            new Dictionary<string, string> { ["content-encoding"] = "aws-chunked", ["x-amz-decoded-content-length"] = "5", ["x-amz-trailer"] = "x-amz-checksum-crc32" });
        var response = await _http.SendAsync(request, _ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await Assert.ThrowsAsync<NoSuchKeyException>(() => emulator.S3.GetObjectAsync(bucket, "short", _ct));
    }

    [Fact]
    public async Task GarbageInPlaceOfChunkHeadersIsRefused()
    {
        var bucket = await NewBucket();
        var body = Encoding.ASCII.GetBytes("zz-not-hex\r\nhello\r\n0\r\n\r\n");
        var request = _signer.Sign(HttpMethod.Put, new Uri($"{emulator.ServiceUrl}/{bucket}/garbage"), "s3", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", body,
            new Dictionary<string, string> { ["content-encoding"] = "aws-chunked", ["x-amz-decoded-content-length"] = "5", ["x-amz-trailer"] = "x-amz-checksum-crc32" });
        var response = await _http.SendAsync(request, _ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("aws-chunked body is malformed", await response.Content.ReadAsStringAsync(_ct));
    }

    [Fact]
    public async Task LargeHeadersGetS3sErrorAndHugeOnesAreCutOffByTheServer()
    {
        var bucket = await NewBucket();
        var large = new PutObjectRequest { BucketName = bucket, Key = "large-headers", ContentBody = "x" };
        large.Headers["x-amz-meta-padding"] = new string('p', 1500);
        large.Headers["x-amz-meta-more"] = new string('q', 1500);
        var tooMuchMetadata = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => emulator.S3.PutObjectAsync(large, _ct));
        Assert.Equal("MetadataTooLarge", tooMuchMetadata.ErrorCode);

        var request = _signer.Sign(HttpMethod.Get, new Uri($"{emulator.ServiceUrl}/{bucket}"), "s3", TestSigner.Sha256Hex([]),
            headers: new Dictionary<string, string> { ["x-padding"] = new string('h', 12_000) });
        var response = await _http.SendAsync(request, _ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("RequestHeaderSectionTooLarge", await response.Content.ReadAsStringAsync(_ct));

        var huge = new HttpRequestMessage(HttpMethod.Get, $"{emulator.ServiceUrl}/{bucket}");
        huge.Headers.TryAddWithoutValidation("x-huge", new string('h', 100_000));
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, (await _http.SendAsync(huge, _ct)).StatusCode);

        await emulator.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, _ct);
    }

    [Theory]
    [InlineData("control\u0001char")]
    [InlineData("escape\u001bchar")]
    public async Task KeysXmlCannotCarryAreRefused(string key)
    {
        var bucket = await NewBucket();
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "x" }, _ct));
        Assert.Equal("InvalidArgument", error.ErrorCode);
        var listed = await emulator.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, _ct);
        Assert.Empty(listed.S3Objects ?? []);
    }

    [Fact]
    public async Task AKeyWithANulByteIsRefusedByTheHttpServerItself()
    {
        // Kestrel rejects %00 in a request target before the emulator sees it: a plain 400, and nothing stored.
        var bucket = await NewBucket();
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "nul\u0000byte", ContentBody = "x" }, _ct));
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Empty((await emulator.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, _ct)).S3Objects ?? []);
    }

    [Fact]
    public async Task KeysLongerThan1024BytesAreRefused()
    {
        var bucket = await NewBucket();
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = new string('k', 1025), ContentBody = "x" }, _ct));
        Assert.Equal("KeyTooLongError", error.ErrorCode);
    }

    [Fact]
    public async Task BrokenPercentEncodingIsRefused()
    {
        var bucket = await NewBucket();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, emulator.Host.ServiceUrl.Port, _ct);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /{bucket}/bad%zzkey HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), _ct);
        var answer = await new StreamReader(stream).ReadToEndAsync(_ct);
        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnSqsBodyOverTheLimitIsRefused()
    {
        var body = new byte[5 * 1024 * 1024];
        var request = _signer.Sign(HttpMethod.Post, new Uri(emulator.ServiceUrl + "/"), "sqs", TestSigner.Sha256Hex(body), body,
            new Dictionary<string, string> { ["content-type"] = "application/x-amz-json-1.0", ["x-amz-target"] = "AmazonSQS.SendMessage" });
        var response = await _http.SendAsync(request, _ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task ObjectsOverTheSizeLimitAreRefusedBeforeTheyAreRead()
    {
        using var data = new TestDirectory("limit");
        await using var small = await EmulatorHost.StartAsync(options =>
        {
            options.DataDirectory = data.Path;
            options.Credentials = [$"{EmulatorFixture.AccessKey}:{EmulatorFixture.SecretKey}"];
            options.MaxObjectSize = 1000;
        }, cancellationToken: _ct);
        using var s3 = new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(EmulatorFixture.AccessKey, EmulatorFixture.SecretKey),
            new AmazonS3Config { ServiceURL = small.ServiceUrl.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        await s3.PutBucketAsync("limited", _ct);
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = "limited", Key = "big", InputStream = new MemoryStream(new byte[5000]) }, _ct));
        Assert.Equal("EntityTooLarge", error.ErrorCode);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "limited", Key = "fits", InputStream = new MemoryStream(new byte[1000]) }, _ct);
    }

    /// <summary>Sends a signed request's head and the start of its body over a raw socket, then closes the connection:
    /// what a client that dies mid-upload looks like to the server.</summary>
    private async Task SendHeadAndHangUp(HttpRequestMessage request, long? contentLength, byte[] bodyStart)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, emulator.Host.ServiceUrl.Port, _ct);
        var stream = client.GetStream();
        await stream.WriteAsync(TestSigner.RawHead(request, contentLength), _ct);
        await stream.WriteAsync(bodyStart, _ct);
        await stream.FlushAsync(_ct);
    }

    private async Task<string> ReadText(string bucket, string key)
    {
        using var get = await emulator.S3.GetObjectAsync(bucket, key, _ct);
        return Encoding.UTF8.GetString(await S3ObjectTests.ReadAll(get.ResponseStream));
    }
}
