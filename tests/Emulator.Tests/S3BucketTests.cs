using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using FaceRecognition.Emulator.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

public sealed class S3BucketTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreatedBucketIsListedAndHeadable()
    {
        var name = Names.Unique("bucket");
        await emulator.S3.PutBucketAsync(name, _ct);

        var buckets = await emulator.S3.ListBucketsAsync(_ct);
        Assert.Contains(buckets.Buckets, b => b.BucketName == name);
        var head = await emulator.S3.HeadBucketAsync(new HeadBucketRequest { BucketName = name }, _ct);
        Assert.Equal(HttpStatusCode.OK, head.HttpStatusCode);
        Assert.Equal("us-east-1", head.BucketRegion);
    }

    [Fact]
    public async Task CreatingAnExistingBucketSaysItIsAlreadyOwned()
    {
        var name = Names.Unique("bucket");
        await emulator.S3.PutBucketAsync(name, _ct);

        var error = await Assert.ThrowsAsync<BucketAlreadyOwnedByYouException>(() => emulator.S3.PutBucketAsync(name, _ct));
        Assert.Equal("BucketAlreadyOwnedByYou", error.ErrorCode);
        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Upper-Case")]
    [InlineData("under_score")]
    [InlineData("-leading-dash")]
    [InlineData("two..dots")]
    [InlineData("192.168.1.1")]
    [InlineData("xn--reserved")]
    public async Task InvalidBucketNamesAreRefused(string name)
    {
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => emulator.S3.PutBucketAsync(name, _ct));
        Assert.Equal("InvalidBucketName", error.ErrorCode);
        var buckets = await emulator.S3.ListBucketsAsync(_ct);
        Assert.DoesNotContain(buckets.Buckets ?? [], b => b.BucketName == name);
    }

    [Fact]
    public async Task DeletingABucketWithObjectsIsRefusedAndAnEmptyOneGoes()
    {
        var name = Names.Unique("bucket");
        await emulator.S3.PutBucketAsync(name, _ct);
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = "k", ContentBody = "x" }, _ct);

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => emulator.S3.DeleteBucketAsync(name, _ct));
        Assert.Equal("BucketNotEmpty", error.ErrorCode);

        await emulator.S3.DeleteObjectAsync(name, "k", _ct);
        await emulator.S3.DeleteBucketAsync(name, _ct);
        var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => emulator.S3.HeadBucketAsync(new HeadBucketRequest { BucketName = name }, _ct));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task OperationsOnAMissingBucketSayNoSuchBucket()
    {
        var name = Names.Unique("missing");
        var put = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = "k", ContentBody = "x" }, _ct));
        Assert.Equal("NoSuchBucket", put.ErrorCode);
        var list = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => emulator.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = name }, _ct));
        Assert.Equal("NoSuchBucket", list.ErrorCode);
        var delete = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => emulator.S3.DeleteBucketAsync(name, _ct));
        Assert.Equal("NoSuchBucket", delete.ErrorCode);
    }

    [Fact]
    public async Task BucketLocationIsTheEmulatorsRegion()
    {
        var name = Names.Unique("bucket");
        await emulator.S3.PutBucketAsync(name, _ct);
        var location = await emulator.S3.GetBucketLocationAsync(name, _ct);
        // us-east-1 is reported as the empty constraint, as S3 does.
        Assert.True(location.Location is null || location.Location.Value is "" or "us-east-1");
    }
}
