using System.Security.Cryptography;
using Amazon.S3.Model;
using FaceRecognition.Tests.Support;

namespace FaceRecognition.WebTier.Tests;

public sealed class VideoUploadTests(EmulatorClients clients) : IClassFixture<EmulatorClients>
{
    private readonly string _bucket = $"videos-{Guid.NewGuid():N}"[..20];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 0x20, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m' }, true)]
    [InlineData(new byte[] { 0, 0, 0, 0x14, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'q', (byte)'t' }, true)]
    [InlineData(new byte[] { 0x1A, 0x45, 0xDF, 0xA3, 0, 0, 0, 0, 0, 0, 0, 0 }, false)]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1 }, false)]
    [InlineData(new byte[] { (byte)'f', (byte)'t', (byte)'y', (byte)'p' }, false)]
    [InlineData(new byte[] { }, false)]
    public void An_mp4_is_known_by_its_ftyp_box_not_its_name(byte[] head, bool isMp4)
    {
        Assert.Equal(isMp4, VideoEndpoints.IsMp4(head));
    }

    [Fact]
    public async Task A_small_video_is_stored_in_one_put()
    {
        var video = RandomBytes(300_000);

        var size = await Upload(video, limit: 1_000_000);

        Assert.Equal(video.Length, size);
        var stored = await Stored();
        Assert.Equal(video, stored.Bytes);
        Assert.DoesNotContain('-', stored.ETag);
    }

    [Fact]
    public async Task A_large_video_is_streamed_in_parts_and_arrives_whole()
    {
        var video = RandomBytes((2 * VideoUploader.PartSize) + 12345);

        var size = await Upload(video, limit: 100_000_000);

        Assert.Equal(video.Length, size);
        var stored = await Stored();
        Assert.Equal(SHA256.HashData(video), SHA256.HashData(stored.Bytes));
        Assert.EndsWith("-3\"", stored.ETag, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1_000_000)]
    [InlineData(VideoUploader.PartSize + 1000)]
    public async Task A_video_over_the_limit_is_refused_and_leaves_nothing_behind(int limit)
    {
        var video = RandomBytes(limit + 1 + VideoUploader.PartSize);

        await Assert.ThrowsAsync<VideoTooLargeException>(() => Upload(video, limit));

        Assert.Empty((await clients.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket }, Cancellation)).S3Objects ?? []);
        Assert.Empty((await clients.S3.ListMultipartUploadsAsync(_bucket, Cancellation)).MultipartUploads ?? []);
    }

    private async Task<long> Upload(byte[] video, long limit)
    {
        await clients.S3.PutBucketAsync(_bucket, Cancellation);
        // The endpoint has already read the first bytes to check the format; the rest arrives as a stream.
        using var rest = new MemoryStream(video, 12, video.Length - 12);
        return await new VideoUploader(clients.S3).UploadAsync(_bucket, "clip.mp4", video.AsMemory(0, 12), rest, limit, Cancellation);
    }

    private async Task<(byte[] Bytes, string ETag)> Stored()
    {
        using var response = await clients.S3.GetObjectAsync(_bucket, "clip.mp4", Cancellation);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer, Cancellation);
        return (buffer.ToArray(), response.ETag);
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(count).NextBytes(bytes);
        return bytes;
    }
}
