using Amazon.S3.Model;
using FaceRecognition.Emulator.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

public sealed class S3ListTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private async Task<string> BucketWith(params string[] keys)
    {
        var name = Names.Unique("list");
        await emulator.S3.PutBucketAsync(name, _ct);
        foreach (var key in keys)
        {
            await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = key, ContentBody = key }, _ct);
        }
        return name;
    }

    [Fact]
    public async Task PrefixAndDelimiterFoldKeysIntoCommonPrefixes()
    {
        var bucket = await BucketWith("a.txt", "photos/2024/x.jpg", "photos/2024/y.jpg", "photos/2025/z.jpg", "photos/top.jpg", "videos/v.mp4");

        var root = await emulator.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/" }, _ct);
        Assert.Equal(["a.txt"], root.S3Objects.Select(o => o.Key));
        Assert.Equal(["photos/", "videos/"], root.CommonPrefixes);
        Assert.Equal(3, root.KeyCount);

        var photos = await emulator.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "photos/", Delimiter = "/" }, _ct);
        Assert.Equal(["photos/top.jpg"], photos.S3Objects.Select(o => o.Key));
        Assert.Equal(["photos/2024/", "photos/2025/"], photos.CommonPrefixes);

        var flat = await emulator.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "photos/2024/" }, _ct);
        Assert.Equal(["photos/2024/x.jpg", "photos/2024/y.jpg"], flat.S3Objects.Select(o => o.Key));
        Assert.All(flat.S3Objects, o => Assert.Equal(o.Key.Length, o.Size));
    }

    [Fact]
    public async Task StartAfterSkipsKeysUpToAndIncludingIt()
    {
        var bucket = await BucketWith("a", "b", "c", "d");
        var listed = await emulator.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, StartAfter = "b" }, _ct);
        Assert.Equal(["c", "d"], listed.S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task PagingWithContinuationTokensVisitsEveryKeyOnce()
    {
        var keys = Enumerable.Range(0, 37).Select(i => $"item-{i:D3}").ToArray();
        var bucket = await BucketWith(keys);

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await emulator.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 10, ContinuationToken = token }, _ct);
            seen.AddRange(page.S3Objects.Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
            pages++;
        }
        while (token is not null);
        Assert.Equal(keys, seen);
        Assert.Equal(4, pages);
    }

    [Fact]
    public async Task PagingThroughCommonPrefixesDoesNotRepeatThem()
    {
        var bucket = await BucketWith("a/1", "a/2", "b/1", "c/1", "c/2", "d");
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await emulator.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/", MaxKeys = 1, ContinuationToken = token }, _ct);
            seen.AddRange(page.CommonPrefixes ?? []);
            seen.AddRange(page.S3Objects?.Select(o => o.Key) ?? []);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        Assert.Equal(["a/", "b/", "c/", "d"], seen);
    }

    [Fact]
    public async Task VersionOneListingPagesWithMarkers()
    {
        var keys = Enumerable.Range(0, 5).Select(i => $"k{i}").ToArray();
        var bucket = await BucketWith(keys);
        var first = await emulator.S3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, MaxKeys = 3 }, _ct);
        Assert.True(first.IsTruncated);
        Assert.Equal(["k0", "k1", "k2"], first.S3Objects.Select(o => o.Key));
        var second = await emulator.S3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, MaxKeys = 3, Marker = first.NextMarker }, _ct);
        Assert.Equal(["k3", "k4"], second.S3Objects.Select(o => o.Key));
        Assert.False(second.IsTruncated);
    }

    [Fact]
    public async Task KeysAreListedInUtf8ByteOrder()
    {
        // U+FF5E (3 UTF-8 bytes, EF BD 9E) sorts before U+1F600 (4 bytes, F0 9F 98 80), unlike UTF-16 order.
        var bucket = await BucketWith("\U0001F600", "\uFF5E", "z");
        var listed = await emulator.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, _ct);
        Assert.Equal(["z", "\uFF5E", "\U0001F600"], listed.S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task AnEmptyBucketListsNothing()
    {
        var bucket = await BucketWith();
        var listed = await emulator.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, _ct);
        Assert.Empty(listed.S3Objects ?? []);
        Assert.Equal(0, listed.KeyCount);
        Assert.False(listed.IsTruncated);
    }
}
