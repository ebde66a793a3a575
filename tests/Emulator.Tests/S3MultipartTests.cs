using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using FaceRecognition.Emulator.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

public sealed class S3MultipartTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private const int MiB = 1024 * 1024;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private Task<string> NewBucket() => emulator.NewBucket("multipart", _ct);

    [Fact]
    public async Task SixtyFourMegabytesThroughTransferUtilityRoundTripByteExact()
    {
        var bucket = await NewBucket();
        var body = RandomNumberGenerator.GetBytes(64 * MiB);
        using var transfer = new TransferUtility(emulator.S3);
        await transfer.UploadAsync(new MemoryStream(body), bucket, "big/64mb.bin", _ct);

        var head = await emulator.S3.GetObjectMetadataAsync(bucket, "big/64mb.bin", _ct);
        Assert.Equal(body.Length, head.ContentLength);
        Assert.Matches("^\"[0-9a-f]{32}-8\"$", head.ETag);
        using var get = await emulator.S3.GetObjectAsync(bucket, "big/64mb.bin", _ct);
        Assert.Equal(SHA256.HashData(body), SHA256.HashData(await S3ObjectTests.ReadAll(get.ResponseStream)));
    }

    [Fact]
    public async Task PartsUploadedOutOfOrderAssembleInPartNumberOrder()
    {
        var bucket = await NewBucket();
        var parts = Enumerable.Range(0, 3).Select(i => RandomNumberGenerator.GetBytes(i < 2 ? 5 * MiB : 1234)).ToArray();
        var upload = await emulator.S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "assembled", ContentType = "application/x-test" }, _ct);

        var etags = new PartETag[3];
        foreach (var index in new[] { 2, 0, 1 })
        {
            var response = await emulator.S3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket,
                Key = "assembled",
                UploadId = upload.UploadId,
                PartNumber = index + 1,
                InputStream = new MemoryStream(parts[index]),
            }, _ct);
            etags[index] = new PartETag(index + 1, response.ETag);
        }
        var listed = await emulator.S3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "assembled", UploadId = upload.UploadId }, _ct);
        Assert.Equal([1, 2, 3], listed.Parts.Select(p => p.PartNumber ?? 0));
        Assert.Equal(parts.Select(p => (long)p.Length), listed.Parts.Select(p => p.Size ?? 0));

        var complete = await emulator.S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "assembled",
            UploadId = upload.UploadId,
            PartETags = [.. etags],
        }, _ct);
        var expectedETag = Convert.ToHexStringLower(MD5.HashData(parts.SelectMany(p => MD5.HashData(p)).ToArray())) + "-3";
        Assert.Equal($"\"{expectedETag}\"", complete.ETag);

        using var get = await emulator.S3.GetObjectAsync(bucket, "assembled", _ct);
        Assert.Equal(parts.SelectMany(p => p).ToArray(), await S3ObjectTests.ReadAll(get.ResponseStream));
        Assert.Equal("application/x-test", get.Headers.ContentType);
        // The upload is gone once completed.
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => emulator.S3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "assembled", UploadId = upload.UploadId }, _ct));
    }

    [Fact]
    public async Task AbortedUploadsAreGoneAndLeaveNoObject()
    {
        var bucket = await NewBucket();
        var upload = await emulator.S3.InitiateMultipartUploadAsync(bucket, "aborted", _ct);
        await emulator.S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "aborted", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[100]) }, _ct);
        var uploads = await emulator.S3.ListMultipartUploadsAsync(bucket, _ct);
        Assert.Contains(uploads.MultipartUploads, u => u.UploadId == upload.UploadId);

        await emulator.S3.AbortMultipartUploadAsync(bucket, "aborted", upload.UploadId, _ct);

        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            emulator.S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "aborted", UploadId = upload.UploadId, PartNumber = 2, InputStream = new MemoryStream(new byte[1]) }, _ct));
        Assert.Equal("NoSuchUpload", error.ErrorCode);
        await Assert.ThrowsAsync<NoSuchKeyException>(() => emulator.S3.GetObjectAsync(bucket, "aborted", _ct));
    }

    [Fact]
    public async Task CompletionChecksPartSizesETagsAndOrder()
    {
        var bucket = await NewBucket();
        var upload = await emulator.S3.InitiateMultipartUploadAsync(bucket, "k", _ct);
        var small = await emulator.S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "k", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[10]) }, _ct);
        var last = await emulator.S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "k", UploadId = upload.UploadId, PartNumber = 2, InputStream = new MemoryStream(new byte[10]) }, _ct);

        Task Complete(params PartETag[] parts) => emulator.S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "k",
            UploadId = upload.UploadId,
            PartETags = [.. parts],
        }, _ct);

        var tooSmall = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => Complete(new PartETag(1, small.ETag), new PartETag(2, last.ETag)));
        Assert.Equal("EntityTooSmall", tooSmall.ErrorCode);
        var wrongETag = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => Complete(new PartETag(1, "\"0123456789abcdef0123456789abcdef\"")));
        Assert.Equal("InvalidPart", wrongETag.ErrorCode);
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => Complete(new PartETag(7, small.ETag)));
        Assert.Equal("InvalidPart", missing.ErrorCode);
        await emulator.S3.AbortMultipartUploadAsync(bucket, "k", upload.UploadId, _ct);
    }

    [Fact]
    public async Task DefaultTransferUtilityGetsAFullObjectCrc32OfTheAssembledObject()
    {
        var bucket = await NewBucket();
        var body = RandomNumberGenerator.GetBytes(17 * MiB);
        using var transfer = new TransferUtility(emulator.S3);
        await transfer.UploadAsync(new MemoryStream(body), bucket, "crc", _ct);

        using var get = await emulator.S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "crc", ChecksumMode = ChecksumMode.ENABLED }, _ct);
        Assert.Equal(body, await S3ObjectTests.ReadAll(get.ResponseStream));
        Assert.Equal(Convert.ToBase64String(S3ChecksumTests.BigEndianCrc32(body)), get.ChecksumCRC32);
        Assert.Equal(ChecksumType.FULL_OBJECT, get.ChecksumType);
    }

    [Fact]
    public async Task CompositeChecksumIsTheChecksumOfPartChecksums()
    {
        var bucket = await NewBucket();
        var parts = new[] { RandomNumberGenerator.GetBytes(5 * MiB), RandomNumberGenerator.GetBytes(1000) };
        var upload = await emulator.S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "composite",
            ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
        }, _ct);
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            var part = await emulator.S3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket,
                Key = "composite",
                UploadId = upload.UploadId,
                PartNumber = i + 1,
                InputStream = new MemoryStream(parts[i]),
                ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
            }, _ct);
            etags.Add(new PartETag { PartNumber = i + 1, ETag = part.ETag, ChecksumSHA256 = part.ChecksumSHA256 });
        }
        var complete = await emulator.S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "composite",
            UploadId = upload.UploadId,
            PartETags = etags,
        }, _ct);

        var expected = Convert.ToBase64String(SHA256.HashData(parts.SelectMany(p => SHA256.HashData(p)).ToArray())) + "-2";
        Assert.Equal(expected, complete.ChecksumSHA256);
    }
}
