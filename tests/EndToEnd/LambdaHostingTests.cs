using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using FaceRecognition.AppHost.Cloud;
using FaceRecognition.AppHost.Services;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>The video path's functions hosted as Lambda functions by the emulator, as the AppHost deploys them.</summary>
public sealed class LambdaHostingTests : IDisposable
{
    private static readonly string[] s_functions = [TopologyNames.VideoSplitFunction, TopologyNames.FaceRecognitionFunction];
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly SyntheticVideos _videos = new();

    [Fact]
    public async Task The_functions_run_the_packages_that_deploy_and_outlive_an_emulator_killed_with_SIGKILL_while_the_web_tier_reports_the_outage()
    {
        var photo = TestFiles.FaceApiDemo("sample1.jpg");
        var ann = _videos.Still("ann.mp4", photo, 1);
        await using var run = await AppHostRun.StartAsync(Data(), _ct);
        await run.WebTierHealthy(_ct);
        using var videos = new VideoRun(run);
        using var lambda = new EmulatorLambda(run);
        await videos.Enroll("Ann", VideoRun.MainFace(photo));
        await videos.PutVideo(ann, "before.mp4");
        Assert.Equal("Ann", (await videos.Answers(1))["before"]);

        // The deployed code is the packaging command's zip, byte for byte.
        var manifest = EmulatorLambda.Manifest();
        foreach (var function in s_functions)
        {
            var package = manifest.Packages.Single(p => p.Function == function);
            Assert.Equal(package.CodeSha256, (await lambda.Api.GetFunctionAsync(function, _ct))!.Configuration.CodeSha256);
            Assert.Equal(package.Sha256, Convert.ToHexStringLower(SHA256.HashData(await lambda.DeployedCode(function))));
            if (package.NeedsS3Upload)
            {
                using var uploaded = await videos.S3.GetObjectAsync(videos.Names.ArtifactsBucket, $"lambda/{function}/{package.Sha256}.zip", _ct);
                Assert.Equal(package.Size, uploaded.ContentLength);
            }
        }
        var before = await Deployment(lambda);

        var emulator = await run.App.ResourceNotifications.WaitForResourceHealthyAsync(CloudExtensions.EmulatorName, _ct);
        using (var process = Process.GetProcessById(AppHostRun.ProcessId(emulator.Snapshot)))
        {
            process.Kill();
        }
        await run.App.ResourceNotifications.WaitForResourceAsync(CloudExtensions.EmulatorName,
            e => e.Snapshot.State?.Text is { } s && KnownResourceStates.TerminalStates.Contains(s), _ct);
        // The web tier's readiness reaches the cloud: without it, the dashboard shows the web tier unhealthy.
        await run.App.ResourceNotifications.WaitForResourceAsync(ServiceExtensions.WebTierName,
            e => e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, _ct).WaitAsync(TimeSpan.FromMinutes(2), _ct);
        var commands = run.App.Services.GetRequiredService<ResourceCommandService>();
        Assert.True((await commands.ExecuteCommandAsync(CloudExtensions.EmulatorName, KnownResourceCommands.StartCommand, _ct)).Success);
        await run.App.ResourceNotifications.WaitForResourceHealthyAsync(CloudExtensions.EmulatorName, _ct);
        await run.WebTierHealthy(_ct);

        Assert.Equal(before, await Deployment(lambda));
        await videos.PutVideo(ann, "after.mp4");
        Assert.Equal("Ann", (await videos.Answers(2))["after"]);
    }

    [Fact]
    public async Task An_environment_killed_mid_invocation_loses_nothing_and_dead_letters_nothing()
    {
        var photo = TestFiles.FaceApiDemo("sample1.jpg");
        var ann = _videos.Still("ann.mp4", photo, 1);
        await using var run = await AppHostRun.StartAsync(Data(), _ct);
        await run.WebTierHealthy(_ct);
        using var videos = new VideoRun(run);
        using var lambda = new EmulatorLambda(run);
        await videos.Enroll("Ann", VideoRun.MainFace(photo));
        const int Count = 40;

        await Task.WhenAll(Enumerable.Range(0, Count).Select(i => videos.PutVideo(ann, $"clip_{i:00}.mp4")));
        // SIGKILL busy face-recognition environments until one dies holding an invocation (Lambda counts it an error).
        var killed = new List<int>();
        while ((await lambda.Status(TopologyNames.FaceRecognitionFunction)).Errors == 0)
        {
            Assert.True(killed.Count < 10, $"None of {killed.Count} environments was killed while busy.");
            var pid = await lambda.BusyProcess(TopologyNames.FaceRecognitionFunction, killed);
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                killed.Add(pid);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // That environment ended meanwhile: take the next busy one.
            }
            await Task.Delay(100, _ct);
        }
        var atKill = (await videos.ResultKeys()).Count;

        var answers = await videos.Answers(Count);
        Assert.True(atKill < Count, $"The environments were killed after the work ({atKill} answers).");
        Assert.Equal(Count, answers.Count);
        Assert.All(answers, a => Assert.Equal("Ann", a.Value));
        Assert.Empty(await videos.DeadLetters(videos.Names.FaceRecognitionDeadLetterQueue, atLeast: 0));
        var status = await lambda.Status(TopologyNames.FaceRecognitionFunction);
        Assert.DoesNotContain(status.Environments, e => e.ProcessId is { } pid && killed.Contains(pid));
    }

    [Fact]
    public async Task An_invocation_that_times_out_is_retried_then_dead_lettered_with_its_cause_while_others_are_served()
    {
        var photo = TestFiles.FaceApiDemo("sample1.jpg");
        var ann = _videos.Still("ann.mp4", photo, 2);
        var slow = _videos.SlowToDecode("slow.mp4", repeats: 240);
        // Sampled mode with one frame an hour: ffmpeg decodes the whole of a video, 8 minutes of 720p for the slow one
        // (well over the 5-s timeout), under a second for the short one.
        await using var run = await AppHostRun.StartAsync(Data(), _ct,
            "--VideoSplit:TimeoutSeconds=5", "--VideoSplit:Mode=sampled", "--VideoSplit:SampleIntervalSeconds=3600");
        await run.WebTierHealthy(_ct);
        using var videos = new VideoRun(run);
        using var lambda = new EmulatorLambda(run);
        await videos.Enroll("Ann", VideoRun.MainFace(photo));

        await videos.PutVideo(slow, "slow.mp4");
        await videos.PutVideo(ann, "ann.mp4");

        Assert.Equal("Ann", (await videos.Settled("ann")).GetProperty("name").GetString());
        var letters = await videos.DeadLetters(videos.Names.VideoSplitDeadLetterQueue, atLeast: 1);
        var letter = Assert.Single(letters);
        Assert.Contains("slow.mp4", letter.Body, StringComparison.Ordinal);
        Assert.StartsWith("Timed out", letter.Cause, StringComparison.Ordinal);
        Assert.Equal(["ann.txt"], await videos.ResultKeys());
        // The slow video was tried on every receive the queue allows (the function answers each time, naming it a batch
        // item failure, before Lambda would end it), and the short one once.
        Assert.InRange((await lambda.Status(TopologyNames.VideoSplitFunction)).Invocations, SystemTopology.MaxReceiveCount + 1, long.MaxValue);
    }

    [Fact]
    public async Task A_function_switched_to_debugging_runs_as_a_project_attached_to_the_emulator()
    {
        var photo = TestFiles.FaceApiDemo("sample1.jpg");
        var ann = _videos.Still("ann.mp4", photo, 1);
        await using var run = await AppHostRun.StartAsync(Data(), _ct, $"--Lambda:Debug={TopologyNames.VideoSplitFunction}");
        await run.WebTierHealthy(_ct);
        await run.App.ResourceNotifications.WaitForResourceAsync($"{TopologyNames.VideoSplitFunction}-debug", KnownResourceStates.Running, _ct);
        using var videos = new VideoRun(run);
        using var lambda = new EmulatorLambda(run);
        await videos.Enroll("Ann", VideoRun.MainFace(photo));

        // Provisioning's notification set-up sends S3's test event, which a spawned environment may have taken before
        // the project attached; from then on every invocation goes to the project.
        var spawnedBefore = (await lambda.Status(TopologyNames.VideoSplitFunction)).Environments.Where(e => !e.Attached).Sum(e => e.Invocations);

        await videos.PutVideo(ann, "ann.mp4");

        Assert.Equal("Ann", (await videos.Answers(1))["ann"]);
        var environments = (await lambda.Status(TopologyNames.VideoSplitFunction)).Environments;
        var attached = Assert.Single(environments, e => e.Attached);
        Assert.Null(attached.ProcessId);
        Assert.Equal(1, attached.Invocations);
        Assert.Equal(spawnedBefore, environments.Where(e => !e.Attached).Sum(e => e.Invocations));
    }

    /// <summary>What a restart must keep: each function's code and its event source mappings.</summary>
    private async Task<string> Deployment(EmulatorLambda lambda)
    {
        var lines = new List<string>();
        foreach (var function in s_functions)
        {
            var current = (await lambda.Api.GetFunctionAsync(function, _ct))!;
            lines.Add($"{function} {current.Configuration.CodeSha256} {current.Configuration.Timeout} s {current.Concurrency?.ReservedConcurrentExecutions}");
            lines.AddRange((await lambda.Api.ListEventSourceMappingsAsync(function, _ct)).Select(m =>
                $"  {m.UUID} {m.EventSourceArn} batch {m.BatchSize} at most {m.ScalingConfig?.MaximumConcurrency} {string.Join(',', m.FunctionResponseTypes ?? [])} {m.State}"));
        }
        Assert.Equal(2, lines.Count(l => l.StartsWith("  ", StringComparison.Ordinal)));
        return string.Join('\n', lines);
    }

    private static string Data() => Directory.CreateTempSubdirectory("facerec-e2e-lambda-").FullName;

    public void Dispose() => _videos.Dispose();
}
