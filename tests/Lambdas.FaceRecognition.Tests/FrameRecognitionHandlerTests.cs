using Amazon.S3.Model;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Lambdas.FaceRecognition.Tests.Support;
using FaceRecognition.Lambdas.Runtime;
using FaceRecognition.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FaceRecognition.Lambdas.FaceRecognition.Tests;

/// <summary>face-recognition with the real engine against the real emulator, on frames cut with ffmpeg.</summary>
public sealed class FrameRecognitionHandlerTests(EmulatorClients clients, KnownFaces faces)
    : IClassFixture<EmulatorClients>, IClassFixture<KnownFaces>, IAsyncLifetime, IDisposable
{
    private readonly TopologyNames _names = new($"rec-{Guid.NewGuid():N}"[..20]);
    private readonly SyntheticVideos _videos = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        foreach (var bucket in new[] { _names.FramesBucket, _names.VideoOutputBucket, _names.GalleryBucket })
        {
            await clients.S3.PutBucketAsync(bucket, Cancellation);
        }
    }

    [Fact]
    public async Task A_single_frame_video_is_named_at_once()
    {
        await PutGallery();
        await PutFrame("clip.jpg", AnnFrame());

        await Recognize("clip.jpg");

        var (name, note) = await Result("clip");
        Assert.Equal(KnownFaces.Name, name);
        Assert.StartsWith("Ann: weight 0.9", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sampled_video_is_decided_when_its_last_frame_has_voted()
    {
        await PutGallery();
        var ann = AnnFrame();
        var empty = _videos.Frame("pattern.jpg", _videos.TestPattern("pattern.mp4", 1));
        await PutFrame("vid/output-00.jpg", ann, frameCount: 3);
        await PutFrame("vid/output-01.jpg", empty, frameCount: 3);
        await PutFrame("vid/output-02.jpg", ann, frameCount: 3);

        await Recognize("vid/output-00.jpg");
        await Recognize("vid/output-01.jpg");
        var before = await ResultOrNull("vid");
        await Recognize("vid/output-02.jpg");

        Assert.Null(before);
        var (name, note) = await Result("vid");
        Assert.Equal(KnownFaces.Name, name);
        Assert.Contains("from 2 of 3 frame(s)", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_frame_recognised_twice_gives_the_same_answer_once()
    {
        await PutGallery();
        await PutFrame("twice/output-00.jpg", AnnFrame(), frameCount: 2);
        await PutFrame("twice/output-01.jpg", AnnFrame(), frameCount: 2);

        await Recognize("twice/output-00.jpg");
        await Recognize("twice/output-00.jpg");
        var afterRetry = await ResultOrNull("twice");
        await Recognize("twice/output-01.jpg");

        Assert.Null(afterRetry);
        Assert.Equal(KnownFaces.Name, (await Result("twice")).Name);
        Assert.Contains("from 2 of 2 frame(s)", (await Result("twice")).Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_video_without_a_face_is_Unknown_and_says_why()
    {
        await PutGallery();
        await PutFrame("empty.jpg", _videos.Frame("pattern.jpg", _videos.TestPattern("pattern.mp4", 1)));

        await Recognize("empty.jpg");

        Assert.Equal(("Unknown", "No face found in any of 1 frame(s)."), await Result("empty"));
    }

    [Fact]
    public async Task Without_a_gallery_everyone_is_Unknown_and_an_enrolment_is_seen_by_the_next_invocation()
    {
        var handler = Handler(galleryRefreshSeconds: 0);
        await PutFrame("before.jpg", AnnFrame());
        await PutFrame("after.jpg", AnnFrame());

        await Recognize("before.jpg", handler);
        await PutGallery();
        await Recognize("after.jpg", handler);

        Assert.Equal("Unknown", (await Result("before")).Name);
        Assert.Equal(KnownFaces.Name, (await Result("after")).Name);
    }

    [Fact]
    public async Task A_frame_that_is_not_a_picture_is_rejected_with_its_cause_and_writes_no_answer()
    {
        await PutFrame("broken.jpg", _videos.Bytes("broken.jpg", "not a jpeg at all"u8.ToArray()));

        var error = await Assert.ThrowsAsync<InputRejectedException>(() => Recognize("broken.jpg"));

        Assert.Null(await ResultOrNull("broken"));
        Assert.Equal(error.Message, await Text(_names.VideoOutputBucket, VideoKeys.Failure("broken")));
        Assert.StartsWith("face-recognition: frame broken.jpg: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a/b/c.jpg")]
    [InlineData("stem/frame-1.jpg")]
    [InlineData("stem/output-x.jpg")]
    public async Task Keys_that_are_not_frames_are_ignored(string key)
    {
        await PutFrame(key, AnnFrame());

        await Recognize(key);

        Assert.Empty((await clients.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _names.VideoOutputBucket }, Cancellation)).S3Objects ?? []);
    }

    private string AnnFrame() => _videos.Frame("ann.jpg", _videos.Still("ann.mp4", faces.Photo, 1));

    private FrameRecognitionHandler Handler(double galleryRefreshSeconds = 2)
    {
        var options = Options.Create(new FaceRecognitionOptions { GalleryRefreshSeconds = galleryRefreshSeconds });
        return new FrameRecognitionHandler(clients.S3, _names, faces.Recognizer,
            new GalleryReader(clients.S3, _names, options, TimeProvider.System, NullLogger<GalleryReader>.Instance));
    }

    private Task Recognize(string key, FrameRecognitionHandler? handler = null) =>
        (handler ?? Handler()).HandleAsync(S3Event.Parse(Notifications.ObjectCreated(_names.FramesBucket, key))!,
            new FunctionContext("face-recognition", "test", DateTimeOffset.UtcNow.AddMinutes(1), NullLogger.Instance, Cancellation));

    private async Task PutGallery() =>
        await clients.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _names.GalleryBucket,
            Key = TopologyNames.GalleryObjectKey,
            InputStream = new MemoryStream(faces.GalleryBytes()),
        }, Cancellation);

    private async Task PutFrame(string key, string path, int? frameCount = null)
    {
        var put = new PutObjectRequest { BucketName = _names.FramesBucket, Key = key, FilePath = path, ContentType = "image/jpeg" };
        if (frameCount is { } count)
        {
            put.Metadata[VideoKeys.FrameCountMetadata] = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        await clients.S3.PutObjectAsync(put, Cancellation);
    }

    private async Task<(string Name, string Note)> Result(string stem) =>
        await ResultOrNull(stem) ?? throw new Xunit.Sdk.XunitException($"No result for {stem}.");

    private async Task<(string Name, string Note)?> ResultOrNull(string stem)
    {
        try
        {
            using var response = await clients.S3.GetObjectAsync(_names.VideoOutputBucket, VideoKeys.Result(stem), Cancellation);
            return (await new StreamReader(response.ResponseStream).ReadToEndAsync(Cancellation), response.Metadata["x-amz-meta-note"]);
        }
        catch (Amazon.S3.AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<string> Text(string bucket, string key)
    {
        using var response = await clients.S3.GetObjectAsync(bucket, key, Cancellation);
        return await new StreamReader(response.ResponseStream).ReadToEndAsync(Cancellation);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Dispose() => _videos.Dispose();
}
