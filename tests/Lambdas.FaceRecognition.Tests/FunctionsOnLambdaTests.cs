using System.Text.Json.Nodes;
using Amazon.S3.Model;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Lambdas.FaceRecognition.Tests.Support;
using FaceRecognition.Tests.Support;

namespace FaceRecognition.Lambdas.FaceRecognition.Tests;

/// <summary>
/// The AWS mode, process and all: both built functions started with AWS_LAMBDA_RUNTIME_API pointing at a Runtime API
/// server that speaks the documented protocol, fed the S3 events S3 would send, writing to the emulator.
/// </summary>
public sealed class FunctionsOnLambdaTests(EmulatorClients clients, KnownFaces faces) : IClassFixture<EmulatorClients>, IClassFixture<KnownFaces>, IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);
    private readonly TopologyNames _names = new($"aws-{Guid.NewGuid():N}"[..20]);
    private readonly SyntheticVideos _videos = new();
    private readonly List<FunctionProcess> _processes = [];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_video_goes_through_both_functions_on_the_Runtime_API_and_is_named()
    {
        var video = _videos.Still("ann.mp4", faces.Photo, 2);
        foreach (var bucket in new[] { _names.VideoInputBucket, _names.FramesBucket, _names.VideoOutputBucket, _names.GalleryBucket })
        {
            await clients.S3.PutBucketAsync(bucket, Cancellation);
        }
        await clients.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _names.GalleryBucket,
            Key = TopologyNames.GalleryObjectKey,
            InputStream = new MemoryStream(faces.GalleryBytes()),
        }, Cancellation);
        await clients.S3.PutObjectAsync(new PutObjectRequest { BucketName = _names.VideoInputBucket, Key = "ann.mp4", FilePath = video }, Cancellation);
        await using var splitApi = await FakeRuntimeApi.StartAsync();
        await using var recognitionApi = await FakeRuntimeApi.StartAsync();
        Start("VideoSplit", "FaceRecognition.Lambdas.VideoSplit", splitApi, "video-splitting");
        Start("FaceRecognition", "FaceRecognition.Lambdas.FaceRecognition", recognitionApi, "face-recognition");

        var split = await splitApi.ReplyTo(splitApi.Invoke(Notifications.ObjectCreated(_names.VideoInputBucket, "ann.mp4", new FileInfo(video).Length)))
            .WaitAsync(s_timeout, Cancellation);
        var frames = (await clients.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _names.FramesBucket }, Cancellation)).S3Objects ?? [];
        var recognised = await recognitionApi.ReplyTo(recognitionApi.Invoke(Notifications.ObjectCreated(_names.FramesBucket, "ann.jpg")))
            .WaitAsync(s_timeout, Cancellation);

        Assert.Equal(RuntimeReplyKind.Response, split.Kind);
        Assert.Equal(["ann.jpg"], frames.Select(f => f.Key));
        Assert.Equal(RuntimeReplyKind.Response, recognised.Kind);
        using var result = await clients.S3.GetObjectAsync(_names.VideoOutputBucket, VideoKeys.Result("ann"), Cancellation);
        Assert.Equal(KnownFaces.Name, await new StreamReader(result.ResponseStream).ReadToEndAsync(Cancellation));
    }

    [Fact]
    public async Task A_rejected_video_is_reported_as_an_invocation_error_with_its_cause()
    {
        await clients.S3.PutBucketAsync(_names.VideoInputBucket, Cancellation);
        await clients.S3.PutBucketAsync(_names.VideoOutputBucket, Cancellation);
        await clients.S3.PutObjectAsync(new PutObjectRequest { BucketName = _names.VideoInputBucket, Key = "text.mp4", ContentBody = "not a video" }, Cancellation);
        await using var api = await FakeRuntimeApi.StartAsync();
        Start("VideoSplit", "FaceRecognition.Lambdas.VideoSplit", api, "video-splitting");

        var reply = await api.ReplyTo(api.Invoke(Notifications.ObjectCreated(_names.VideoInputBucket, "text.mp4", 11))).WaitAsync(s_timeout, Cancellation);

        Assert.Equal(RuntimeReplyKind.Error, reply.Kind);
        Assert.Equal("InputRejectedException", reply.ErrorTypeHeader);
        Assert.StartsWith("Not a readable video: ffprobe says", (string?)JsonNode.Parse(reply.Body)!["errorMessage"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_function_that_cannot_start_reports_an_init_error_and_exits()
    {
        await using var api = await FakeRuntimeApi.StartAsync();
        var process = Start("VideoSplit", "FaceRecognition.Lambdas.VideoSplit", api, "video-splitting", ("VideoSplit__Mode", "every-frame"));

        var initError = await api.InitError.WaitAsync(s_timeout, Cancellation);

        Assert.Contains("VideoSplit:Mode must be 'single' or 'sampled'", (string?)JsonNode.Parse(initError.Body)!["errorMessage"], StringComparison.Ordinal);
        Assert.Equal(1, await process.WaitForExitAsync(s_timeout));
    }

    private FunctionProcess Start(string project, string assemblyName, FakeRuntimeApi api, string functionName, params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_LAMBDA_RUNTIME_API"] = api.Address,
            ["AWS_LAMBDA_FUNCTION_NAME"] = functionName,
            ["Cloud__Prefix"] = _names.Prefix,
            ["Aws__ServiceUrl"] = clients.ServiceUrl.ToString(),
            ["Aws__AccessKey"] = EmulatorClients.AccessKey,
            ["Aws__SecretKey"] = EmulatorClients.SecretKey,
        };
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }
        var process = new FunctionProcess(project, assemblyName, environment);
        _processes.Add(process);
        return process;
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }
        _videos.Dispose();
    }
}
