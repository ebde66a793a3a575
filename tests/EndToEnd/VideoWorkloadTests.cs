using System.Net;
using System.Text.Json;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Tests.Support;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>The original video workloads (FACEREC_DATASETS): the 8 videos in both split modes, and 100 at once.</summary>
public sealed class VideoWorkloadTests : IDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly SyntheticVideos _frames = new();

    [Theory]
    [InlineData("single")]
    [InlineData("sampled")]
    public async Task The_eight_videos_are_named_through_the_api_in_both_split_modes(string mode)
    {
        var (folder, labels) = TestFiles.AsuVideos();
        await using var run = await AppHostRun.StartAsync(Data(), _ct, $"--VideoSplit:Mode={mode}");
        await run.WebTierHealthy(_ct);
        using var videos = new VideoRun(run);
        await EnrollEveryone(videos, folder, labels);

        foreach (var stem in labels.Keys)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await videos.Upload(Path.Combine(folder, stem + ".mp4"), stem + ".mp4")).Status);
        }
        var named = new Dictionary<string, string?>();
        foreach (var stem in labels.Keys)
        {
            named[stem] = (await videos.Settled(stem)).GetProperty("name").GetString();
        }

        Assert.Equal(labels.OrderBy(l => l.Key), named.OrderBy(n => n.Key)!);
        using var s3 = run.S3();
        var frames = (await s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = videos.Names.FramesBucket }, _ct)).S3Objects ?? [];
        Assert.All(frames.Where(f => f.Key.EndsWith(".jpg", StringComparison.Ordinal)),
            f => Assert.Matches(mode == "single" ? @"^test_0\d\.jpg$" : @"^test_0\d/output-\d\d\.jpg$", f.Key));
    }

    [Fact]
    public async Task The_original_100_video_workload_uploaded_at_once_is_named_without_a_miss()
    {
        var (folder, labels) = TestFiles.AsuVideos();
        await using var run = await AppHostRun.StartAsync(Data(), _ct);
        await run.WebTierHealthy(_ct);
        using var videos = new VideoRun(run);
        await EnrollEveryone(videos, folder, labels);

        // As the original's workload generator: test_NN.mp4 is the file test_0{NN % 8}, all uploaded at once with the S3 SDK.
        await Task.WhenAll(Enumerable.Range(0, 100).Select(n => videos.PutVideo(Path.Combine(folder, $"test_0{n % 8}.mp4"), $"test_{n:00}.mp4")));
        var answers = await videos.Answers(100);

        Assert.Equal(100, answers.Count);
        Assert.All(Enumerable.Range(0, 100), n => Assert.Equal(labels[$"test_0{n % 8}"], answers[$"test_{n:00}"]));
        using var lambda = new EmulatorLambda(run);
        foreach (var function in (string[])[TopologyNames.VideoSplitFunction, TopologyNames.FaceRecognitionFunction])
        {
            var status = await lambda.Status(function);
            Assert.True(status.PeakRunning >= 3, $"{function} ran at most {status.PeakRunning} invocations at once.");
            Assert.Equal(0, status.Throttles);
        }

        // The original course's checks of this part, with boto3 as its grader uses, pointed at the emulator: GetFunction
        // finds each function and CloudWatch's maximum ConcurrentExecutions is at least 5. Its third check, maximum
        // Duration at most 10 s, is a timing on shared cores, so it is reported here and measured in bench/Video.
        if (ExternalTools.FindPythonWithBoto3() is not { } python)
        {
            TestContext.Current.SendDiagnosticMessage("The grader's checks were not run: no Python with boto3 (./test.sh installs python3-boto3).");
            return;
        }
        var (_, output) = await ExternalTools.RunAsync(python, AppHostRun.AccessKey, AppHostRun.SecretKey,
            [Path.Combine(AppContext.BaseDirectory, "Scripts", "lambda_grader.py"), run.EmulatorUrl.ToString(), AppHostRun.AccessKey, AppHostRun.SecretKey,
                TopologyNames.VideoSplitFunction, TopologyNames.FaceRecognitionFunction], _ct);
        using var grading = JsonDocument.Parse(output);
        foreach (var function in (string[])[TopologyNames.VideoSplitFunction, TopologyNames.FaceRecognitionFunction])
        {
            Assert.True(grading.RootElement.GetProperty("functions").TryGetProperty(function, out var graded), $"The grader did not find {function}: {output}");
            Assert.EndsWith($":function:{function}", graded.GetProperty("arn").GetString(), StringComparison.Ordinal);
            Assert.True(graded.GetProperty("maxConcurrency").GetDouble() >= 5, $"The grader saw fewer than 5 concurrent executions: {output}");
            TestContext.Current.SendDiagnosticMessage($"{function}: longest invocation {graded.GetProperty("maxDurationMs").GetDouble():F0} ms (the grader's limit: 10000 ms).");
        }
    }

    /// <summary>Each person enrolled from their video's frame at t = 1 s (the answers are judged on other frames).</summary>
    private async Task EnrollEveryone(VideoRun videos, string folder, Dictionary<string, string> labels)
    {
        foreach (var (stem, name) in labels)
        {
            var frame = _frames.Frame($"{stem}-enrol.jpg", Path.Combine(folder, stem + ".mp4"), seconds: 1);
            await videos.Enroll(name, await File.ReadAllBytesAsync(frame, _ct));
        }
    }

    private static string Data() => Directory.CreateTempSubdirectory("facerec-e2e-videos-").FullName;

    public void Dispose() => _frames.Dispose();
}
