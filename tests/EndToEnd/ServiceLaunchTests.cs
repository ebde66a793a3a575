using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using FaceRecognition.AppHost.Services;
using Microsoft.Extensions.DependencyInjection;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>The AppHost's default start: the services as project resources, which an IDE's F5 debugs.</summary>
public sealed class ServiceLaunchTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task By_default_the_web_tier_and_the_app_tier_instances_are_project_resources_that_become_healthy_and_answer()
    {
        var data = Directory.CreateTempSubdirectory("facerec-e2e-").FullName;
        await using var run = await AppHostRun.StartAsync(data, _ct, "--Services:Launch=project", "--AppTier:Autoscale=false", "--AppTier:Replicas=1");
        var model = run.App.Services.GetRequiredService<DistributedApplicationModel>();
        var appTier = $"{ServiceExtensions.AppTierPrefix}1";

        await run.WebTierHealthy(_ct);
        await run.App.ResourceNotifications.WaitForResourceHealthyAsync(appTier, _ct).WaitAsync(AppHostRun.StartTimeout, _ct);
        using var http = new HttpClient { BaseAddress = run.WebTierUrl, Timeout = TimeSpan.FromMinutes(2) };
        using var form = TestFiles.Form("inputFile", await File.ReadAllBytesAsync(TestFiles.FaceApiDemo("sample2.jpg"), _ct), "sample2.jpg");
        using var response = await http.PostAsync(new Uri("/", UriKind.Relative), form, _ct);

        Assert.IsType<ProjectResource>(model.Resources.Single(r => r.Name == ServiceExtensions.WebTierName));
        Assert.IsType<ProjectResource>(model.Resources.Single(r => r.Name == appTier));
        Assert.Equal("sample2:Unknown", await response.Content.ReadAsStringAsync(_ct));
    }
}
