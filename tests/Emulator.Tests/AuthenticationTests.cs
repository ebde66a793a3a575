using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using FaceRecognition.Emulator.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

/// <summary>Every request must be signed by a configured key pair; a failure answers AWS's error and changes nothing.</summary>
public sealed class AuthenticationTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private Task<string> NewBucket() => emulator.NewBucket("auth", _ct);

    [Fact]
    public async Task AWrongSecretKeyIsRefusedByS3AndStoresNothing()
    {
        var bucket = await NewBucket();
        using var s3 = emulator.CreateS3(secretKey: "not-the-secret");
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" }, _ct));
        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        await Assert.ThrowsAsync<NoSuchKeyException>(() => emulator.S3.GetObjectAsync(bucket, "k", _ct));
    }

    [Fact]
    public async Task AnUnknownAccessKeyIsRefusedByBothServices()
    {
        using var s3 = emulator.CreateS3(accessKey: "AKIAUNKNOWNKEY000000");
        var s3Error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutBucketAsync(Names.Unique("never"), _ct));
        Assert.Equal("InvalidAccessKeyId", s3Error.ErrorCode);

        using var sqs = emulator.CreateSqs(accessKey: "AKIAUNKNOWNKEY000000");
        var name = Names.Unique("never");
        var sqsError = await Assert.ThrowsAnyAsync<AmazonSQSException>(() => sqs.CreateQueueAsync(name, _ct));
        Assert.Equal("InvalidClientTokenId", sqsError.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, sqsError.StatusCode);
        await Assert.ThrowsAsync<Amazon.SQS.Model.QueueDoesNotExistException>(() => emulator.Sqs.GetQueueUrlAsync(name, _ct));
    }

    [Fact]
    public async Task AWrongSecretKeyIsRefusedBySqsAndSendsNothing()
    {
        var url = (await emulator.Sqs.CreateQueueAsync(Names.Unique("auth"), _ct)).QueueUrl;
        using var sqs = emulator.CreateSqs(secretKey: "not-the-secret");
        var error = await Assert.ThrowsAnyAsync<AmazonSQSException>(() => sqs.SendMessageAsync(url, "forged", _ct));
        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
        Assert.Empty((await emulator.Sqs.ReceiveMessageAsync(url, _ct)).Messages ?? []);
    }

    [Fact]
    public async Task UnsignedRequestsAreDenied()
    {
        var bucket = await NewBucket();
        using var http = new HttpClient();
        var put = await http.PutAsync($"{emulator.ServiceUrl}/{bucket}/anonymous", new StringContent("x"), _ct);
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await put.Content.ReadAsStringAsync(_ct));
        var list = await http.GetAsync($"{emulator.ServiceUrl}/", _ct);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);

        var sqs = new HttpRequestMessage(HttpMethod.Post, emulator.ServiceUrl + "/")
        {
            Content = new StringContent("""{"QueueName":"anonymous"}""", Encoding.UTF8, "application/x-amz-json-1.0"),
        };
        sqs.Headers.Add("X-Amz-Target", "AmazonSQS.CreateQueue");
        var created = await http.SendAsync(sqs, _ct);
        Assert.Equal(HttpStatusCode.Forbidden, created.StatusCode);
        Assert.Contains("MissingAuthenticationToken", await created.Content.ReadAsStringAsync(_ct));
        await Assert.ThrowsAsync<Amazon.SQS.Model.QueueDoesNotExistException>(() => emulator.Sqs.GetQueueUrlAsync("anonymous", _ct));
    }

    [Fact]
    public async Task ARequestSignedTooLongAgoIsRefused()
    {
        var signer = new TestSigner(EmulatorFixture.AccessKey, EmulatorFixture.SecretKey);
        using var http = new HttpClient();
        var request = signer.Sign(HttpMethod.Get, new Uri(emulator.ServiceUrl + "/"), "s3", TestSigner.Sha256Hex([]), time: DateTimeOffset.UtcNow.AddMinutes(-20));
        var response = await http.SendAsync(request, _ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<Code>RequestTimeTooSkewed</Code>", await response.Content.ReadAsStringAsync(_ct));

        var fresh = signer.Sign(HttpMethod.Get, new Uri(emulator.ServiceUrl + "/"), "s3", TestSigner.Sha256Hex([]));
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(fresh, _ct)).StatusCode);
    }

    [Fact]
    public async Task ASignatureForAnotherRegionIsRefused()
    {
        var signer = new TestSigner(EmulatorFixture.AccessKey, EmulatorFixture.SecretKey, region: "eu-west-1");
        using var http = new HttpClient();
        var response = await http.SendAsync(signer.Sign(HttpMethod.Get, new Uri(emulator.ServiceUrl + "/"), "s3", TestSigner.Sha256Hex([])), _ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("expecting 'us-east-1'", await response.Content.ReadAsStringAsync(_ct));
    }

    [Fact]
    public async Task ABodyThatDoesNotMatchItsSignedHashIsRefused()
    {
        var bucket = await NewBucket();
        var signer = new TestSigner(EmulatorFixture.AccessKey, EmulatorFixture.SecretKey);
        using var http = new HttpClient();
        var request = signer.Sign(HttpMethod.Put, new Uri($"{emulator.ServiceUrl}/{bucket}/swapped"), "s3",
            TestSigner.Sha256Hex("the signed body"u8.ToArray()), "a different body"u8.ToArray());
        var response = await http.SendAsync(request, _ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("XAmzContentSHA256Mismatch", await response.Content.ReadAsStringAsync(_ct));
        await Assert.ThrowsAsync<NoSuchKeyException>(() => emulator.S3.GetObjectAsync(bucket, "swapped", _ct));
    }

    [Fact]
    public async Task AForgedChunkSignatureIsRefusedAndStoresNothing()
    {
        var bucket = await NewBucket();
        var signer = new TestSigner(EmulatorFixture.AccessKey, EmulatorFixture.SecretKey);
        var forged = new string('a', 64);
        var body = Encoding.ASCII.GetBytes($"5;chunk-signature={forged}\r\nhello\r\n0;chunk-signature={forged}\r\n\r\n");
        using var http = new HttpClient();
        var request = signer.Sign(HttpMethod.Put, new Uri($"{emulator.ServiceUrl}/{bucket}/forged"), "s3", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", body,
            new Dictionary<string, string> { ["content-encoding"] = "aws-chunked", ["x-amz-decoded-content-length"] = "5" });
        var response = await http.SendAsync(request, _ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("SignatureDoesNotMatch", await response.Content.ReadAsStringAsync(_ct));
        await Assert.ThrowsAsync<NoSuchKeyException>(() => emulator.S3.GetObjectAsync(bucket, "forged", _ct));
    }
}
