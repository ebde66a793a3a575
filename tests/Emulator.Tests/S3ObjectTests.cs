using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using FaceRecognition.Emulator.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

public sealed class S3ObjectTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private Task<string> NewBucket() => emulator.NewBucket("objects", _ct);

    [Fact]
    public async Task PutThenGetReturnsTheSameBytesMetadataAndMd5ETag()
    {
        var bucket = await NewBucket();
        var body = RandomNumberGenerator.GetBytes(200_000);
        var put = new PutObjectRequest { BucketName = bucket, Key = "photos/a.jpg", InputStream = new MemoryStream(body), ContentType = "image/jpeg" };
        put.Metadata.Add("person", "Ada");
        put.Headers.ContentDisposition = "attachment; filename=a.jpg";
        var putResponse = await emulator.S3.PutObjectAsync(put, _ct);
        var md5 = Convert.ToHexStringLower(MD5.HashData(body));
        Assert.Equal($"\"{md5}\"", putResponse.ETag);

        using var get = await emulator.S3.GetObjectAsync(bucket, "photos/a.jpg", _ct);
        Assert.Equal(body, await ReadAll(get.ResponseStream));
        Assert.Equal("image/jpeg", get.Headers.ContentType);
        Assert.Equal("Ada", get.Metadata["person"]);
        Assert.Equal("attachment; filename=a.jpg", get.Headers.ContentDisposition);
        Assert.Equal($"\"{md5}\"", get.ETag);
        Assert.Equal(body.Length, get.ContentLength);
    }

    [Fact]
    public async Task HeadReportsSizeAndMissingKeysAreNotFound()
    {
        var bucket = await NewBucket();
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "12345" }, _ct);

        var head = await emulator.S3.GetObjectMetadataAsync(bucket, "k", _ct);
        Assert.Equal(5, head.ContentLength);

        var missingGet = await Assert.ThrowsAsync<NoSuchKeyException>(() => emulator.S3.GetObjectAsync(bucket, "absent", _ct));
        Assert.Equal(HttpStatusCode.NotFound, missingGet.StatusCode);
        var missingHead = await Assert.ThrowsAsync<AmazonS3Exception>(() => emulator.S3.GetObjectMetadataAsync(bucket, "absent", _ct));
        Assert.Equal(HttpStatusCode.NotFound, missingHead.StatusCode);
    }

    [Fact]
    public async Task OverwriteReplacesAndDeleteRemoves()
    {
        var bucket = await NewBucket();
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "first" }, _ct);
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "second, longer" }, _ct);
        Assert.Equal("second, longer", await ReadText(bucket, "k"));

        var delete = await emulator.S3.DeleteObjectAsync(bucket, "k", _ct);
        Assert.Equal(HttpStatusCode.NoContent, delete.HttpStatusCode);
        await Assert.ThrowsAsync<NoSuchKeyException>(() => emulator.S3.GetObjectAsync(bucket, "k", _ct));
        // Deleting what is not there succeeds, as on S3.
        await emulator.S3.DeleteObjectAsync(bucket, "k", _ct);
    }

    [Theory]
    [InlineData(128 * 1024)]
    [InlineData(128 * 1024 + 1)]
    public async Task BodiesOnEitherSideOfTheSmallBodyLimitRoundTrip(int size)
    {
        var bucket = await NewBucket();
        var body = RandomNumberGenerator.GetBytes(size);
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "edge", InputStream = new MemoryStream(body) }, _ct);
        using (var get = await emulator.S3.GetObjectAsync(bucket, "edge", _ct))
        {
            Assert.Equal(body, await ReadAll(get.ResponseStream));
        }
        using var range = await emulator.S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "edge", ByteRange = new ByteRange(size - 10, size - 1) }, _ct);
        Assert.Equal(body[^10..], await ReadAll(range.ResponseStream));
    }

    [Fact]
    public async Task EmptyObjectsRoundTrip()
    {
        var bucket = await NewBucket();
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "empty", InputStream = new MemoryStream() }, _ct);
        using var get = await emulator.S3.GetObjectAsync(bucket, "empty", _ct);
        Assert.Empty(await ReadAll(get.ResponseStream));
        Assert.Equal("\"d41d8cd98f00b204e9800998ecf8427e\"", get.ETag);
    }

    [Theory]
    [InlineData("../../escape.txt")]
    [InlineData("a//b/../c")]
    [InlineData("spaces and + plus & ampersand = equals")]
    [InlineData("ünïcödé/日本語/😀.txt")]
    [InlineData("percent%2Fencoded%20literal")]
    [InlineData("trailing/slash/")]
    [InlineData("./dot")]
    public async Task KeysAreDataEvenWhenTheyLookLikePaths(string key)
    {
        var bucket = await NewBucket();
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key }, _ct);

        Assert.Equal(key, await ReadText(bucket, key));
        var listed = await emulator.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, _ct);
        Assert.Equal([key], listed.S3Objects.Select(o => o.Key));
        // Nothing was written outside the emulator's own body folders (files named by random ids, numbered segments).
        var files = Directory.EnumerateFiles(emulator.Data.Path, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(emulator.Data.Path, f)).ToList();
        Assert.All(files, f => Assert.True(
            f.StartsWith("blobs" + Path.DirectorySeparatorChar, StringComparison.Ordinal) ||
            System.Text.RegularExpressions.Regex.IsMatch(f, @"^segments[/\\][0-9]+\.seg$") ||
            f.StartsWith("emulator.db", StringComparison.Ordinal), f));
        Assert.False(File.Exists(Path.Combine(emulator.Data.Path, "..", "escape.txt")));
    }

    [Fact]
    public async Task RangeRequestsReturnTheRequestedBytes()
    {
        var bucket = await NewBucket();
        var body = Encoding.ASCII.GetBytes("0123456789abcdefghij");
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "r", InputStream = new MemoryStream(body) }, _ct);

        using var middle = await emulator.S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange(5, 9) }, _ct);
        Assert.Equal(HttpStatusCode.PartialContent, middle.HttpStatusCode);
        Assert.Equal("56789", Encoding.ASCII.GetString(await ReadAll(middle.ResponseStream)));
        Assert.Equal("bytes 5-9/20", middle.ContentRange);

        using var suffix = await emulator.S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange("bytes=-3") }, _ct);
        Assert.Equal("hij", Encoding.ASCII.GetString(await ReadAll(suffix.ResponseStream)));

        var outside = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            emulator.S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange(50, 60) }, _ct));
        Assert.Equal("InvalidRange", outside.ErrorCode);
    }

    [Fact]
    public async Task ConditionalGetsHonourETagAndDates()
    {
        var bucket = await NewBucket();
        var put = await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "c", ContentBody = "conditional" }, _ct);

        using (var match = await emulator.S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", EtagToMatch = put.ETag }, _ct))
        {
            Assert.Equal(HttpStatusCode.OK, match.HttpStatusCode);
        }
        var mismatch = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            emulator.S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", EtagToMatch = "\"00000000000000000000000000000000\"" }, _ct));
        Assert.Equal(HttpStatusCode.PreconditionFailed, mismatch.StatusCode);

        var notModified = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            emulator.S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", EtagToNotMatch = put.ETag }, _ct));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        var unmodifiedSince = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            emulator.S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", UnmodifiedSinceDate = DateTime.UtcNow.AddDays(-1) }, _ct));
        Assert.Equal(HttpStatusCode.PreconditionFailed, unmodifiedSince.StatusCode);
    }

    [Fact]
    public async Task ConditionalPutIfNoneMatchRefusesToOverwrite()
    {
        var bucket = await NewBucket();
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "once", ContentBody = "first", IfNoneMatch = "*" }, _ct);
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "once", ContentBody = "second", IfNoneMatch = "*" }, _ct));
        Assert.Equal(HttpStatusCode.PreconditionFailed, error.StatusCode);
        Assert.Equal("first", await ReadText(bucket, "once"));
    }

    [Fact]
    public async Task CopyKeepsOrReplacesMetadata()
    {
        var bucket = await NewBucket();
        var other = await NewBucket();
        var put = new PutObjectRequest { BucketName = bucket, Key = "src", ContentBody = "copy me", ContentType = "text/plain" };
        put.Metadata.Add("origin", "source");
        await emulator.S3.PutObjectAsync(put, _ct);

        var copy = await emulator.S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "src",
            DestinationBucket = other,
            DestinationKey = "dst/kept",
        }, _ct);
        Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData("copy me"u8))}\"", copy.ETag);
        var kept = await emulator.S3.GetObjectMetadataAsync(other, "dst/kept", _ct);
        Assert.Equal("source", kept.Metadata["origin"]);
        Assert.Equal("text/plain", kept.Headers.ContentType);

        var replace = new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "src",
            DestinationBucket = bucket,
            DestinationKey = "src",
            MetadataDirective = S3MetadataDirective.REPLACE,
            ContentType = "text/markdown",
        };
        replace.Metadata.Add("origin", "replaced");
        await emulator.S3.CopyObjectAsync(replace, _ct);
        var replaced = await emulator.S3.GetObjectMetadataAsync(bucket, "src", _ct);
        Assert.Equal("replaced", replaced.Metadata["origin"]);
        Assert.Equal("copy me", await ReadText(bucket, "src"));
    }

    [Fact]
    public async Task CopyFromAMissingSourceSaysNoSuchKey()
    {
        var bucket = await NewBucket();
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => emulator.S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "absent",
            DestinationBucket = bucket,
            DestinationKey = "dst",
        }, _ct));
        Assert.Equal("NoSuchKey", error.ErrorCode);
    }

    [Fact]
    public async Task DeleteObjectsRemovesEveryNamedKey()
    {
        var bucket = await NewBucket();
        foreach (var key in new[] { "a", "b", "c" })
        {
            await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key }, _ct);
        }
        var response = await emulator.S3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = [new KeyVersion { Key = "a" }, new KeyVersion { Key = "c" }, new KeyVersion { Key = "never-existed" }],
        }, _ct);
        Assert.Equal(["a", "c", "never-existed"], response.DeletedObjects.Select(d => d.Key).Order());
        var left = await emulator.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, _ct);
        Assert.Equal(["b"], left.S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task TwentyMegabyteSinglePutRoundTripsByteExact()
    {
        var bucket = await NewBucket();
        var body = RandomNumberGenerator.GetBytes(20 * 1024 * 1024);
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "big.bin", InputStream = new MemoryStream(body) }, _ct);

        using var get = await emulator.S3.GetObjectAsync(bucket, "big.bin", _ct);
        Assert.Equal(SHA256.HashData(body), SHA256.HashData(await ReadAll(get.ResponseStream)));
    }

    private async Task<string> ReadText(string bucket, string key)
    {
        using var get = await emulator.S3.GetObjectAsync(bucket, key, _ct);
        return Encoding.UTF8.GetString(await ReadAll(get.ResponseStream));
    }

    internal static async Task<byte[]> ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
