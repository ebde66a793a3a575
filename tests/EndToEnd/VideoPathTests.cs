using System.Diagnostics;
using System.Globalization;
using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using FaceRecognition.AppHost.Services;
using FaceRecognition.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>The video path through the AppHost: S3 events -> video-splitting (ffmpeg) -> face-recognition -> output bucket.</summary>
public sealed class VideoPathTests : IDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly SyntheticVideos _videos = new();

    [Fact]
    public async Task Videos_are_named_hostile_ones_end_in_the_dead_letter_queue_with_their_cause_and_the_functions_keep_working()
    {
        var photo = TestFiles.FaceApiDemo("sample1.jpg");
        var ann = _videos.Still("ann.mp4", photo, 2);
        var pattern = _videos.TestPattern("pattern.mp4", 2);
        await using var run = await AppHostRun.StartAsync(Data(), _ct, "--WebTier:MaxVideoBytes=2000000");
        await run.WebTierHealthy(_ct);
        using var videos = new VideoRun(run);
        await videos.Enroll("Ann", VideoRun.MainFace(photo));

        var tooLarge = await videos.Upload(_videos.Bytes("large.mp4", [.. File.ReadAllBytes(ann)[..32], .. new byte[3_000_000]]), "large.mp4");
        var badName = await videos.Upload(ann, "../../etc/passwd.mp4");
        var uploaded = await videos.Upload(ann, "ann.mp4");
        var noFace = await videos.Upload(pattern, "pattern.mp4");
        var notVideo = await videos.Upload(_videos.Bytes("letter.mp4", "Dear video path,\n"u8.ToArray()), "letter.mp4");
        await videos.PutVideo(_videos.Bytes("text.mp4", "not a video"u8.ToArray()), "text.mp4");
        await videos.PutVideo(_videos.Bytes("empty.mp4", []), "empty.mp4");
        await videos.PutVideo(_videos.Truncated("truncated.mp4", ann, 3000), "truncated.mp4");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.Status);
        Assert.Contains("larger than the limit of 2,000,000 bytes", tooLarge.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badName.Status);
        Assert.Equal(HttpStatusCode.Accepted, uploaded.Status);
        Assert.Equal(HttpStatusCode.Accepted, noFace.Status);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notVideo.Status);
        Assert.Contains("not an MP4 video by its content", notVideo.Body, StringComparison.Ordinal);
        var annStatus = await videos.Settled("ann");
        Assert.Equal("Ann", annStatus.GetProperty("name").GetString());
        var noFaceStatus = await videos.Settled("pattern");
        Assert.Equal(("Unknown", "No face found in any of 1 frame(s)."), (noFaceStatus.GetProperty("name").GetString(), noFaceStatus.GetProperty("note").GetString()));
        foreach (var (stem, cause) in new[] { ("text", "Not a readable video"), ("empty", "The file is empty (0 bytes)."), ("truncated", "Not a readable video") })
        {
            var status = await videos.Settled(stem);
            Assert.Equal("failed", status.GetProperty("status").GetString());
            Assert.Contains(cause, status.GetProperty("cause").GetString(), StringComparison.Ordinal);
        }
        var letters = await videos.DeadLetters(videos.Names.VideoSplitDeadLetterQueue, atLeast: 3);
        Assert.Equal(3, letters.Count);
        Assert.All(letters, l => Assert.False(string.IsNullOrEmpty(l.Cause)));
        Assert.Contains(letters, l => l.Body.Contains("empty.mp4", StringComparison.Ordinal) && l.Cause == "The file is empty (0 bytes).");
        Assert.Equal(["ann.txt", "pattern.txt"], (await videos.ResultKeys()).Order());

        // Still serving after the hostile ones.
        var again = await videos.Upload(ann, "ann-again.mp4");
        Assert.Equal(HttpStatusCode.Accepted, again.Status);
        Assert.Equal("Ann", (await videos.Settled("ann-again")).GetProperty("name").GetString());
        using var missing = await videos.Http.GetAsync(new Uri("/api/videos/nobody", UriKind.Relative), _ct);
        using var badStem = await videos.Http.GetAsync(new Uri("/api/videos/..%2Fetc", UriKind.Relative), _ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badStem.StatusCode);
    }

    private static string Data() => Directory.CreateTempSubdirectory("facerec-e2e-video-").FullName;

    public void Dispose() => _videos.Dispose();
}
