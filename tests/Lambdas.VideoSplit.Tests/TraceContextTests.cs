using System.Diagnostics;
using Amazon.S3.Model;
using FaceRecognition.Cloud.Storage;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Lambdas.Runtime;
using FaceRecognition.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FaceRecognition.Lambdas.VideoSplit.Tests;

/// <summary>S3 events carry no trace context, so it travels in object metadata: the frames continue the video's trace.</summary>
public sealed class TraceContextTests(EmulatorClients clients) : IClassFixture<EmulatorClients>, IDisposable
{
    private readonly TopologyNames _names = new($"trace-{Guid.NewGuid():N}"[..20]);
    private readonly SyntheticVideos _videos = new();
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name is ObjectTracing.SourceName or "upload",
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    [Fact]
    public async Task The_frames_of_a_video_carry_the_trace_of_its_upload()
    {
        ActivitySource.AddActivityListener(_listener);
        var ct = TestContext.Current.CancellationToken;
        foreach (var bucket in new[] { _names.VideoInputBucket, _names.FramesBucket, _names.VideoOutputBucket })
        {
            await clients.S3.PutBucketAsync(bucket, ct);
        }
        using var uploadSource = new ActivitySource("upload");
        var put = new PutObjectRequest { BucketName = _names.VideoInputBucket, Key = "traced.mp4", FilePath = _videos.TestPattern("clip.mp4", 1) };
        ActivityTraceId uploadTrace;
        using (var upload = uploadSource.StartActivity("upload video")!)
        {
            uploadTrace = upload.TraceId;
            ObjectTracing.Inject(upload, put.Metadata);
        }
        await clients.S3.PutObjectAsync(put, ct);

        var options = Options.Create(new VideoSplitOptions());
        await new VideoSplitHandler(clients.S3, _names, new FrameExtractor(options), options).HandleAsync(
            S3Event.Parse(Notifications.ObjectCreated(_names.VideoInputBucket, "traced.mp4", new FileInfo(put.FilePath).Length))!,
            new FunctionContext("video-splitting", "test", DateTimeOffset.UtcNow.AddMinutes(1), NullLogger.Instance, ct));

        using var frame = await clients.S3.GetObjectAsync(_names.FramesBucket, "traced.jpg", ct);
        var traceParent = frame.Metadata["x-amz-meta-traceparent"];
        Assert.NotNull(traceParent);
        Assert.Equal(uploadTrace, ActivityContext.Parse(traceParent, null).TraceId);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _videos.Dispose();
    }
}
