using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FaceRecognition.Emulator.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

/// <summary>The upload encodings and checksums the AWS SDK and other clients send (see the wire-protocol notes).</summary>
public sealed class S3ChecksumTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private Task<string> NewBucket() => emulator.NewBucket("checksums", _ct);

    public static TheoryData<string> ClientVariants => ["default", "when-required", "no-chunk-encoding"];

    [Theory]
    [MemberData(nameof(ClientVariants))]
    public async Task EveryClientConfigurationRoundTripsBytes(string variant)
    {
        using var s3 = emulator.CreateS3(config =>
        {
            if (variant == "when-required") config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
        });
        var bucket = await NewBucket();
        var body = RandomNumberGenerator.GetBytes(300_000);
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = variant,
            InputStream = new MemoryStream(body),
            UseChunkEncoding = variant != "no-chunk-encoding",
        }, _ct);

        using var get = await s3.GetObjectAsync(bucket, variant, _ct);
        Assert.Equal(body, await S3ObjectTests.ReadAll(get.ResponseStream));
    }

    public static TheoryData<ChecksumAlgorithm> Algorithms =>
        [ChecksumAlgorithm.CRC32, ChecksumAlgorithm.CRC32C, ChecksumAlgorithm.SHA1, ChecksumAlgorithm.SHA256, ChecksumAlgorithm.CRC64NVME];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task EachChecksumAlgorithmIsVerifiedStoredAndReturned(ChecksumAlgorithm algorithm)
    {
        var bucket = await NewBucket();
        var body = RandomNumberGenerator.GetBytes(100_000);
        var put = await emulator.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "k",
            InputStream = new MemoryStream(body),
            ChecksumAlgorithm = algorithm,
        }, _ct);

        using var get = await emulator.S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", ChecksumMode = ChecksumMode.ENABLED }, _ct);
        Assert.Equal(body, await S3ObjectTests.ReadAll(get.ResponseStream));
        var (sent, returned) = algorithm.Value switch
        {
            "CRC32" => (put.ChecksumCRC32, get.ChecksumCRC32),
            "CRC32C" => (put.ChecksumCRC32C, get.ChecksumCRC32C),
            "SHA1" => (put.ChecksumSHA1, get.ChecksumSHA1),
            "SHA256" => (put.ChecksumSHA256, get.ChecksumSHA256),
            _ => (put.ChecksumCRC64NVME, get.ChecksumCRC64NVME),
        };
        Assert.False(string.IsNullOrEmpty(returned));
        Assert.Equal(sent, returned);
        if (algorithm == ChecksumAlgorithm.SHA256) Assert.Equal(Convert.ToBase64String(SHA256.HashData(body)), returned);
    }

    [Fact]
    public async Task AWrongDeclaredChecksumIsRefusedAndStoresNothing()
    {
        var bucket = await NewBucket();
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => emulator.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "bad",
            ContentBody = "some content",
            ChecksumSHA256 = Convert.ToBase64String(SHA256.HashData("other"u8)),
        }, _ct));
        Assert.Equal("BadDigest", error.ErrorCode);
        await Assert.ThrowsAsync<NoSuchKeyException>(() => emulator.S3.GetObjectAsync(bucket, "bad", _ct));
    }

    [Fact]
    public async Task ContentMd5IsVerified()
    {
        var bucket = await NewBucket();
        await emulator.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "good",
            ContentBody = "md5 body",
            MD5Digest = Convert.ToBase64String(MD5.HashData("md5 body"u8)),
        }, _ct);

        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => emulator.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "bad",
            ContentBody = "md5 body",
            MD5Digest = Convert.ToBase64String(MD5.HashData("something else"u8)),
            UseChunkEncoding = false,
        }, _ct));
        Assert.Equal("BadDigest", error.ErrorCode);
        await Assert.ThrowsAsync<NoSuchKeyException>(() => emulator.S3.GetObjectAsync(bucket, "bad", _ct));
    }

    [Fact]
    public async Task UnsignedAwsChunkedBodyWithTrailingChecksumIsAccepted()
    {
        var bucket = await NewBucket();
        var data = "hello world"u8.ToArray();
        var crc = Convert.ToBase64String(BigEndianCrc32(data));
        var body = Encoding.ASCII.GetBytes($"B\r\nhello world\r\n0\r\nx-amz-checksum-crc32:{crc}\r\n\r\n");
        var response = await SendUnsignedTrailer(bucket, "unsigned", body, data.Length);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var get = await emulator.S3.GetObjectAsync(bucket, "unsigned", _ct);
        Assert.Equal(data, await S3ObjectTests.ReadAll(get.ResponseStream));
    }

    [Fact]
    public async Task UnsignedAwsChunkedBodyWithAWrongTrailerIsRefused()
    {
        var bucket = await NewBucket();
        var wrong = Convert.ToBase64String(BigEndianCrc32("something else"u8.ToArray()));
        var body = Encoding.ASCII.GetBytes($"B\r\nhello world\r\n0\r\nx-amz-checksum-crc32:{wrong}\r\n\r\n");
        var response = await SendUnsignedTrailer(bucket, "wrong", body, 11);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>BadDigest</Code>", await response.Content.ReadAsStringAsync(_ct));
        await Assert.ThrowsAsync<NoSuchKeyException>(() => emulator.S3.GetObjectAsync(bucket, "wrong", _ct));
    }

    private async Task<HttpResponseMessage> SendUnsignedTrailer(string bucket, string key, byte[] body, int decodedLength)
    {
        var signer = new TestSigner(EmulatorFixture.AccessKey, EmulatorFixture.SecretKey);
        using var http = new HttpClient();
        var request = signer.Sign(HttpMethod.Put, new Uri($"{emulator.ServiceUrl}/{bucket}/{key}"), "s3", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", body,
            new Dictionary<string, string>
            {
                ["content-encoding"] = "aws-chunked",
                ["x-amz-decoded-content-length"] = decodedLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["x-amz-trailer"] = "x-amz-checksum-crc32",
            });
        return await http.SendAsync(request, _ct);
    }

    internal static byte[] BigEndianCrc32(byte[] data)
    {
        var crc = System.IO.Hashing.Crc32.HashToUInt32(data);
        var bytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, crc);
        return bytes;
    }
}
