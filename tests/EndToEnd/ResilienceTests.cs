using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using FaceRecognition.AppHost.Services;
using FaceRecognition.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>Several web tiers and app tiers: no reply lost or crossed, and an app tier killed mid-run loses nothing.</summary>
public sealed class ResilienceTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_web_tier_replicas_each_get_their_own_replies_and_a_killed_one_leaves_no_queue_behind()
    {
        var photos = Photos();
        await using var run = await AppHostRun.StartAsync(Data(), _ct, "--WebTier:Replicas=2");
        await run.WebTierHealthy(_ct);
        var second = await run.App.ResourceNotifications.WaitForResourceHealthyAsync($"{ServiceExtensions.WebTierName}-2", _ct);
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

        // The first web tier reads the provisioned response queue (which the original grader watches), the second
        // its own; SIGKILL gives the second no chance to delete it, and the AppHost does.
        var names = new FaceRecognition.Cloud.Topology.TopologyNames(FaceRecognition.Cloud.Topology.TopologyNames.DefaultPrefix);
        using var sqs = run.Sqs();
        async Task<string[]> ReplyQueues() => [.. ((await sqs.ListQueuesAsync(names.ResponseQueue, _ct)).QueueUrls ?? []).Select(u => u.Split('/')[^1]).Order()];
        Assert.Equal([names.ResponseQueue, names.ReplyQueueFor($"{ServiceExtensions.WebTierName}-2")], await ReplyQueues());
        using (var process = Process.GetProcessById(AppHostRun.ProcessId(second.Snapshot)))
        {
            process.Kill();
        }
        await Eventually.Until(async () => (await ReplyQueues()).SequenceEqual([names.ResponseQueue]), TimeSpan.FromSeconds(30),
            "the killed web tier's reply queue deleted");
        using var afterKill = await http.PostAsync(run.WebTierUrl, TestFiles.Form("inputFile", await File.ReadAllBytesAsync(photos[0], _ct), "after.jpg"), _ct);
        Assert.Equal("after:Unknown", await afterKill.Content.ReadAsStringAsync(_ct));
    }

    [Fact]
    public async Task An_app_tier_instance_killed_mid_run_loses_no_request()
    {
        var photos = Photos();
        // The default visibility and reply timeouts: the killed instance's messages come back soon enough for the web
        // tier, still waiting, to answer them.
        await using var run = await AppHostRun.StartAsync(Data(), _ct, "--AppTier:Autoscale=false", "--AppTier:Replicas=2");
        await run.WebTierHealthy(_ct);
        var victim = $"{ServiceExtensions.AppTierPrefix}1";
        var running = await run.App.ResourceNotifications.WaitForResourceHealthyAsync(victim, _ct);
        await run.App.ResourceNotifications.WaitForResourceHealthyAsync($"{ServiceExtensions.AppTierPrefix}2", _ct);
        var pid = AppHostRun.ProcessId(running.Snapshot);
        var answers = await PostWhile(run, photos, "k", () =>
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            return Task.CompletedTask;
        });

        Assert.Equal(30, answers.Count);
        Assert.All(answers, a => Assert.Equal($"200 {a.Key}:Unknown", a.Value));
    }

    [Fact]
    public async Task An_app_tier_instance_stopped_mid_run_finishes_or_releases_its_work()
    {
        var photos = Photos();
        await using var run = await AppHostRun.StartAsync(Data(), _ct, "--AppTier:Autoscale=false", "--AppTier:Replicas=2", "--WebTier:ReplyTimeoutSeconds=90");
        await run.WebTierHealthy(_ct);
        var stopped = $"{ServiceExtensions.AppTierPrefix}1";
        await run.App.ResourceNotifications.WaitForResourceHealthyAsync(stopped, _ct);
        await run.App.ResourceNotifications.WaitForResourceHealthyAsync($"{ServiceExtensions.AppTierPrefix}2", _ct);
        var commands = run.App.Services.GetRequiredService<ResourceCommandService>();

        // A graceful stop (SIGTERM): the instance stops receiving, finishes what it holds or makes it visible again.
        var answers = await PostWhile(run, photos, "s", async () =>
            Assert.True((await commands.ExecuteCommandAsync(stopped, KnownResourceCommands.StopCommand, _ct)).Success));

        Assert.Equal(30, answers.Count);
        Assert.All(answers, a => Assert.Equal($"200 {a.Key}:Unknown", a.Value));
    }

    [Fact]
    public async Task Without_an_app_tier_a_request_gets_504_naming_its_id_and_the_result_lands_once_one_is_back()
    {
        var photo = await File.ReadAllBytesAsync(Photos()[0], _ct);
        await using var run = await AppHostRun.StartAsync(Data(), _ct, "--AppTier:Autoscale=false", "--WebTier:ReplyTimeoutSeconds=2");
        await run.WebTierHealthy(_ct);
        var appTier = $"{ServiceExtensions.AppTierPrefix}1";
        await run.App.ResourceNotifications.WaitForResourceHealthyAsync(appTier, _ct);
        var commands = run.App.Services.GetRequiredService<ResourceCommandService>();
        Assert.True((await commands.ExecuteCommandAsync(appTier, KnownResourceCommands.StopCommand, _ct)).Success);
        using var http = new HttpClient { BaseAddress = run.WebTierUrl, Timeout = TimeSpan.FromMinutes(2) };

        using var response = await http.PostAsync(new Uri("/api/recognitions", UriKind.Relative), TestFiles.Form("file", photo, "late.jpg"), _ct);
        var body = await response.Content.ReadAsStringAsync(_ct);
        Assert.True((await commands.ExecuteCommandAsync(appTier, KnownResourceCommands.StartCommand, _ct)).Success);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Matches("No reply to request [0-9a-f]{32} within 2 s", body);
        using var s3 = run.S3();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        string? stored = null;
        while (stored is null && DateTime.UtcNow < deadline)
        {
            try
            {
                using var result = await s3.GetObjectAsync(new FaceRecognition.Cloud.Topology.TopologyNames(FaceRecognition.Cloud.Topology.TopologyNames.DefaultPrefix).OutputBucket, "late", _ct);
                using var reader = new StreamReader(result.ResponseStream);
                stored = await reader.ReadToEndAsync(_ct);
            }
            catch (Amazon.S3.AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                await Task.Delay(250, _ct);
            }
        }
        Assert.Equal("Unknown", stored);
    }

    [Fact]
    public async Task With_the_cloud_down_requests_get_503_and_the_web_tier_keeps_serving()
    {
        var photo = await File.ReadAllBytesAsync(Photos()[0], _ct);
        await using var run = await AppHostRun.StartAsync(Data(), _ct);
        await run.WebTierHealthy(_ct);
        var commands = run.App.Services.GetRequiredService<ResourceCommandService>();
        Assert.True((await commands.ExecuteCommandAsync(FaceRecognition.AppHost.Cloud.CloudExtensions.EmulatorName, KnownResourceCommands.StopCommand, _ct)).Success);
        using var http = new HttpClient { BaseAddress = run.WebTierUrl, Timeout = TimeSpan.FromMinutes(2) };

        using var response = await http.PostAsync(new Uri("/", UriKind.Relative), TestFiles.Form("inputFile", photo, "down.jpg"), _ct);
        using var health = await http.GetAsync(new Uri("/alive", UriKind.Relative), _ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("could not take the request", await response.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task The_api_is_described_by_an_openapi_document_the_dashboard_links_to()
    {
        await using var run = await AppHostRun.StartAsync(Data(), _ct);
        var webTier = await run.WebTierHealthy(_ct);
        using var http = new HttpClient();

        var link = Assert.Single(webTier.Snapshot.Urls, u => u.DisplayProperties.DisplayName == "OpenAPI document");
        using var document = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri(link.Url), _ct));

        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Contains("/api/recognitions", paths);
        Assert.Contains("/api/results/{stem}", paths);
        Assert.Contains("/api/identities/{name}/faces", paths);
        Assert.Contains("/api/identities/{name}/faces/{id}", paths);
        Assert.Contains("/api/detections", paths);
        Assert.Contains("/api/verifications", paths);
        Assert.DoesNotContain("/", paths);
        // Enrolment says it needs the key (the reference page offers to send it).
        Assert.Equal("X-Api-Key", document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey").GetProperty("name").GetString());
        Assert.True(document.RootElement.GetProperty("paths").GetProperty("/api/identities/{name}/faces").GetProperty("post").TryGetProperty("security", out _));

        var console = Assert.Single(webTier.Snapshot.Urls, u => u.DisplayProperties.DisplayName == "Console");
        var reference = Assert.Single(webTier.Snapshot.Urls, u => u.DisplayProperties.DisplayName == "API reference");
        Assert.Contains("<title>FaceRecognition console</title>", await http.GetStringAsync(new Uri(console.Url), _ct), StringComparison.Ordinal);
        Assert.Contains("api/openapi.json", await http.GetStringAsync(new Uri(reference.Url), _ct), StringComparison.Ordinal);
    }

    /// <summary>Posts 30 demo photos at once (stems prefix00..29) and does <paramref name="disrupt"/> once the first answer is in.</summary>
    private async Task<ConcurrentDictionary<string, string>> PostWhile(AppHostRun run, string[] photos, string prefix, Func<Task> disrupt)
    {
        using var http = new HttpClient { BaseAddress = run.WebTierUrl, Timeout = TimeSpan.FromMinutes(3) };
        var answers = new ConcurrentDictionary<string, string>();
        var firstAnswer = new TaskCompletionSource();
        var load = Parallel.ForEachAsync(Enumerable.Range(0, 30), new ParallelOptions { MaxDegreeOfParallelism = 30, CancellationToken = _ct }, async (i, ct) =>
        {
            var stem = $"{prefix}{i:00}";
            using var form = TestFiles.Form("inputFile", await File.ReadAllBytesAsync(photos[i % photos.Length], ct), stem + ".jpg");
            using var response = await http.PostAsync(new Uri("/", UriKind.Relative), form, ct);
            answers[stem] = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
            firstAnswer.TrySetResult();
        });
        await firstAnswer.Task.WaitAsync(TimeSpan.FromMinutes(2), _ct);
        await disrupt();
        await load;
        return answers;
    }

    private static string Data() => Directory.CreateTempSubdirectory("facerec-e2e-").FullName;

    private static string[] Photos() => [.. Enumerable.Range(1, 6).Select(i => TestFiles.FaceApiDemo($"sample{i}.jpg"))];
}
