using Amazon.S3;
using Amazon.S3.Model;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Lambdas.Runtime;
using FaceRecognition.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FaceRecognition.Lambdas.VideoSplit.Tests;

/// <summary>video-splitting with the real ffmpeg against the real emulator, on videos made for the test.</summary>
public sealed class VideoSplitHandlerTests(EmulatorClients clients) : IClassFixture<EmulatorClients>, IAsyncLifetime, IDisposable
{
    private readonly TopologyNames _names = new($"split-{Guid.NewGuid():N}"[..20]);
    private readonly SyntheticVideos _videos = new();
    private readonly string _work = Directory.CreateTempSubdirectory("facerec-split-work-").FullName;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        foreach (var bucket in new[] { _names.VideoInputBucket, _names.FramesBucket, _names.VideoOutputBucket })
        {
            await clients.S3.PutBucketAsync(bucket, Cancellation);
        }
    }

    [Fact]
    public async Task Single_mode_writes_the_first_frame_as_stem_jpg()
    {
        await Split(_videos.TestPattern("clip.mp4", 3), "uploads/test_00.mp4");

        var frames = await Keys(_names.FramesBucket);
        Assert.Equal(["test_00.jpg"], frames);
        using var frame = await clients.S3.GetObjectAsync(_names.FramesBucket, "test_00.jpg", Cancellation);
        Assert.Equal("image/jpeg", frame.Headers.ContentType);
        Assert.Equal("1", frame.Metadata["x-amz-meta-" + VideoKeys.FrameCountMetadata]);
        var bytes = await ReadAll(frame.ResponseStream);
        Assert.True(bytes is [0xFF, 0xD8, 0xFF, ..], "a JPEG");
    }

    [Fact]
    public async Task Sampled_mode_writes_one_frame_per_interval_as_the_earlier_original_named_them()
    {
        await Split(_videos.TestPattern("clip.mp4", 3.5), "test_01.mp4", o => (o.Mode, o.SampleIntervalSeconds) = (VideoSplitOptions.SampledMode, 1));

        Assert.Equal(["test_01/output-00.jpg", "test_01/output-01.jpg", "test_01/output-02.jpg", "test_01/output-03.jpg"], await Keys(_names.FramesBucket));
        using var frame = await clients.S3.GetObjectAsync(_names.FramesBucket, "test_01/output-02.jpg", Cancellation);
        Assert.Equal("4", frame.Metadata["x-amz-meta-" + VideoKeys.FrameCountMetadata]);
    }

    [Fact]
    public async Task Sampled_mode_takes_the_first_frame_of_a_video_shorter_than_the_interval()
    {
        await Split(_videos.TestPattern("clip.mp4", 2), "short.mp4", o => o.Mode = VideoSplitOptions.SampledMode);

        Assert.Equal(["short/output-00.jpg"], await Keys(_names.FramesBucket));
    }

    [Fact]
    public async Task Sampled_mode_stops_at_the_frame_limit()
    {
        await Split(_videos.TestPattern("clip.mp4", 5), "long.mp4", o => (o.Mode, o.SampleIntervalSeconds, o.MaxFrames) = (VideoSplitOptions.SampledMode, 1, 2));

        Assert.Equal(["long/output-00.jpg", "long/output-01.jpg"], await Keys(_names.FramesBucket));
    }

    public static TheoryData<string> HostileInputs => ["text", "truncated", "garbage-after-ftyp", "audio-only"];

    [Theory]
    [MemberData(nameof(HostileInputs))]
    public async Task An_unusable_video_writes_no_frame_and_its_cause_goes_to_the_output_bucket(string kind)
    {
        var path = kind switch
        {
            "text" => _videos.Bytes("text.mp4", "this is not a video\n"u8.ToArray()),
            "truncated" => _videos.Truncated("truncated.mp4", _videos.TestPattern("whole.mp4", 3), 4000),
            "garbage-after-ftyp" => _videos.Bytes("garbage.mp4", [.. File.ReadAllBytes(_videos.TestPattern("whole.mp4", 1))[..32], .. new byte[5000]]),
            "audio-only" => _videos.AudioOnly("sound.mp4"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var error = await Assert.ThrowsAsync<InputRejectedException>(() => Split(path, "bad.mp4"));

        Assert.Empty(await Keys(_names.FramesBucket));
        var cause = await Text(_names.VideoOutputBucket, VideoKeys.Failure("bad"));
        Assert.Equal($"video-splitting: bad.mp4: {error.Message}", cause);
        Assert.Matches(kind == "audio-only" ? "no video stream" : "Not a readable video|could not be decoded|no frame", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work));
    }

    [Fact]
    public async Task An_empty_file_is_refused_without_downloading_it()
    {
        var error = await Assert.ThrowsAsync<InputRejectedException>(() => Split(_videos.Bytes("empty.mp4", []), "empty.mp4"));

        Assert.Equal("The file is empty (0 bytes).", error.Message);
        Assert.Empty(await Keys(_names.FramesBucket));
    }

    [Fact]
    public async Task Videos_over_the_size_or_duration_limits_are_refused()
    {
        var video = _videos.TestPattern("clip.mp4", 3);

        var tooLarge = await Assert.ThrowsAsync<InputRejectedException>(() => Split(video, "large.mp4", o => o.MaxInputBytes = 1000));
        var tooLong = await Assert.ThrowsAsync<InputRejectedException>(() => Split(video, "long.mp4", o => o.MaxDurationSeconds = 2));

        Assert.Contains("VideoSplit:MaxInputBytes", tooLarge.Message, StringComparison.Ordinal);
        Assert.Contains("lasts 3 s; the limit is 2 s", tooLong.Message, StringComparison.Ordinal);
        Assert.Empty(await Keys(_names.FramesBucket));
    }

    [Fact]
    public async Task Temporary_files_are_removed_after_success()
    {
        await Split(_videos.TestPattern("clip.mp4", 2), "clean.mp4");

        Assert.Single(await Keys(_names.FramesBucket));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work));
    }

    [Fact]
    public async Task A_missing_ffmpeg_is_an_error_that_says_how_to_install_it_not_a_rejection_of_the_video()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Split(_videos.TestPattern("clip.mp4", 1), "clip.mp4", o => o.FfprobePath = "/nonexistent/ffprobe"));

        Assert.Contains("apt-get install ffmpeg", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work));
    }

    private async Task Split(string path, string key, Action<VideoSplitOptions>? configure = null)
    {
        var options = new VideoSplitOptions { WorkDirectory = _work };
        configure?.Invoke(options);
        var size = new FileInfo(path).Length;
        await clients.S3.PutObjectAsync(new PutObjectRequest { BucketName = _names.VideoInputBucket, Key = key, FilePath = path }, Cancellation);
        var handler = new VideoSplitHandler(clients.S3, _names, new FrameExtractor(Options.Create(options)), Options.Create(options));
        var s3Event = S3Event.Parse(Notifications.ObjectCreated(_names.VideoInputBucket, key, size))!;
        await handler.HandleAsync(s3Event, new FunctionContext("video-splitting", "test", DateTimeOffset.UtcNow.AddMinutes(1), NullLogger.Instance, Cancellation));
    }

    private async Task<string[]> Keys(string bucket) =>
        [.. ((await clients.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, Cancellation)).S3Objects ?? []).Select(o => o.Key)];

    private async Task<string> Text(string bucket, string key)
    {
        using var response = await clients.S3.GetObjectAsync(bucket, key, Cancellation);
        return await new StreamReader(response.ResponseStream).ReadToEndAsync(Cancellation);
    }

    private static async Task<byte[]> ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, Cancellation);
        return buffer.ToArray();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Dispose()
    {
        _videos.Dispose();
        Directory.Delete(_work, recursive: true);
    }
}
