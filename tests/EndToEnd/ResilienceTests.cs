using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using FaceRecognition.AppHost.Services;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>Several web tiers and app tiers: no reply lost or crossed, and an app tier killed mid-run loses nothing.</summary>
public sealed class ResilienceTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_web_tier_replicas_each_get_their_own_replies()
    {
        var photos = Photos();
        await using var run = await AppHostRun.StartAsync(Data(), _ct, "--WebTier:Replicas=2");
        await run.WebTierHealthy(_ct);
        await run.App.ResourceNotifications.WaitForResourceHealthyAsync($"{ServiceExtensions.WebTierName}-2", _ct);
        Uri[] webTiers = [run.WebTierUrl, run.App.GetEndpoint($"{ServiceExtensions.WebTierName}-2", "http")];
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };

        var answers = new ConcurrentDictionary<string, string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 40), new ParallelOptions { MaxDegreeOfParallelism = 20, CancellationToken = _ct }, async (i, ct) =>
        {
            var stem = $"r{i:00}_{Path.GetFileNameWithoutExtension(photos[i % photos.Length])}";
            using var form = TestFiles.Form("inputFile", await File.ReadAllBytesAsync(photos[i % photos.Length], ct), stem + ".jpg");
            using var response = await http.PostAsync(webTiers[i % 2], form, ct);
            answers[stem] = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
        });

        Assert.Equal(40, answers.Count);
        Assert.All(answers, a => Assert.Equal($"200 {a.Key}:Unknown", a.Value));
    }

    [Fact]
    public async Task An_app_tier_instance_killed_mid_run_loses_no_request()
    {
        var photos = Photos();
        await using var run = await AppHostRun.StartAsync(Data(), _ct,
            "--AppTier:Replicas=2", "--AppTier:VisibilityTimeoutSeconds=6", "--WebTier:ReplyTimeoutSeconds=90");
        await run.WebTierHealthy(_ct);
        var victim = $"{ServiceExtensions.AppTierPrefix}1";
        var running = await run.App.ResourceNotifications.WaitForResourceHealthyAsync(victim, _ct);
        await run.App.ResourceNotifications.WaitForResourceHealthyAsync($"{ServiceExtensions.AppTierPrefix}2", _ct);
        var pid = Convert.ToInt32(running.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, CultureInfo.InvariantCulture);
        using var http = new HttpClient { BaseAddress = run.WebTierUrl, Timeout = TimeSpan.FromMinutes(3) };

        var answers = new ConcurrentDictionary<string, string>();
        var firstAnswer = new TaskCompletionSource();
        var load = Parallel.ForEachAsync(Enumerable.Range(0, 30), new ParallelOptions { MaxDegreeOfParallelism = 30, CancellationToken = _ct }, async (i, ct) =>
        {
            var stem = $"k{i:00}";
            using var form = TestFiles.Form("inputFile", await File.ReadAllBytesAsync(photos[i % photos.Length], ct), stem + ".jpg");
            using var response = await http.PostAsync(new Uri("/", UriKind.Relative), form, ct);
            answers[stem] = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
            firstAnswer.TrySetResult();
        });
        await firstAnswer.Task.WaitAsync(TimeSpan.FromMinutes(2), _ct);
        using (var process = Process.GetProcessById(pid))
        {
            process.Kill();
        }
        await load;

        Assert.Equal(30, answers.Count);
        Assert.All(answers, a => Assert.Equal($"200 {a.Key}:Unknown", a.Value));
    }

    private static string Data() => Directory.CreateTempSubdirectory("facerec-e2e-").FullName;

    private static string[] Photos() => [.. Enumerable.Range(1, 6).Select(i => TestFiles.FaceApiDemo($"sample{i}.jpg"))];
}
