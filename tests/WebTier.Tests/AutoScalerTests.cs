using System.Net.Http.Json;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.SQS.Model;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.ServiceDefaults;
using FaceRecognition.Tests.Support;
using FaceRecognition.WebTier.Scaling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FaceRecognition.WebTier.Tests;

/// <summary>The autoscaler against the emulator's SQS and EC2 APIs; the test plays the part of whatever runs the
/// instances (the AppHost locally), reporting pending instances running and stopping ones stopped.</summary>
public sealed class AutoScalerTests(EmulatorClients clients) : IClassFixture<EmulatorClients>, IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);
    private readonly TopologyNames _names = new($"scale-{Guid.NewGuid():N}"[..20]);
    private readonly HttpClient _admin = clients.Admin();
    private readonly AmazonEC2Client _ec2 = new(new BasicAWSCredentials(EmulatorClients.AccessKey, EmulatorClients.SecretKey),
        new AmazonEC2Config { ServiceURL = clients.ServiceUrl.ToString(), AuthenticationRegion = "us-east-1" });
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("facerec-scaling-");
    private AutoScaler? _scaler;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_burst_starts_instances_and_a_drained_queue_stops_them_all()
    {
        var queueUrl = (await clients.Sqs.CreateQueueAsync(_names.RequestQueue, Cancellation)).QueueUrl;
        for (var i = 1; i <= 4; i++)
        {
            await Register($"{_names.Prefix}-app-{i}");
        }
        await Register($"{_names.Prefix}-unrelated");
        await StartScaler();

        for (var i = 0; i < 12; i++)
        {
            await clients.Sqs.SendMessageAsync(queueUrl, $"request {i}", Cancellation);
        }
        await Eventually.Until(async () => (await States()).Count(s => s.Value == "pending") == 3, s_timeout, "three instances started for 12 messages");
        foreach (var (id, _) in (await States()).Where(s => s.Value == "pending"))
        {
            await Report(id, "running");
        }
        Assert.Equal(["running", "running", "running", "stopped"], (await States()).Values.Order());
        await Eventually.Until(() => _scaler!.Last.Running == 3, s_timeout, "the autoscaler sees three running");

        await clients.Sqs.PurgeQueueAsync(queueUrl, Cancellation);
        var drained = DateTime.UtcNow;
        await Eventually.Until(async () => (await States()).Values.Count(s => s == "stopping") == 3, s_timeout, "the three stopped after the queue drained");
        var scaleIn = DateTime.UtcNow - drained;
        foreach (var (id, _) in (await States()).Where(s => s.Value == "stopping"))
        {
            await Report(id, "stopped");
        }

        Assert.InRange(scaleIn, TimeSpan.FromSeconds(0.9), s_timeout);
        Assert.All((await States()).Values, s => Assert.Equal("stopped", s));
        Assert.Equal("stopped", await StateOf($"{_names.Prefix}-unrelated"));
    }

    [Fact]
    public async Task Without_a_request_queue_or_instances_it_keeps_trying_and_acts_once_they_exist()
    {
        await StartScaler();
        var queueUrl = (await clients.Sqs.CreateQueueAsync(_names.RequestQueue, Cancellation)).QueueUrl;
        await clients.Sqs.SendMessageAsync(queueUrl, "request", Cancellation);
        await Register($"{_names.Prefix}-app-1");

        await Eventually.Until(async () => (await States()).Values.SequenceEqual(["pending"]), s_timeout, "the instance is started");
    }

    [Fact]
    public async Task A_lower_maximum_written_to_the_overrides_file_stops_the_instances_above_it_while_the_queue_stays_deep()
    {
        var queueUrl = (await clients.Sqs.CreateQueueAsync(_names.RequestQueue, Cancellation)).QueueUrl;
        for (var i = 1; i <= 4; i++)
        {
            await Register($"{_names.Prefix}-app-{i}");
        }
        var overrides = Path.Combine(_folder.FullName, "scaling.json");
        await File.WriteAllTextAsync(overrides, """{ "Scaling": { "MaxInstances": 4 } }""", Cancellation);
        await StartScaler(overrides);
        for (var i = 0; i < 12; i++)
        {
            await clients.Sqs.SendMessageAsync(queueUrl, $"request {i}", Cancellation);
        }
        await Eventually.Until(async () => (await States()).Count(s => s.Value == "pending") == 3, s_timeout, "three instances started for 12 messages");
        foreach (var (id, _) in (await States()).Where(s => s.Value == "pending"))
        {
            await Report(id, "running");
        }

        await File.WriteAllTextAsync(overrides, """{ "Scaling": { "MaxInstances": 1 } }""", Cancellation);

        await Eventually.Until(async () => (await States()).Values.Count(s => s == "stopping") == 2, s_timeout, "two of three stopped for the new maximum");
        Assert.Equal(["running", "stopped", "stopping", "stopping"], (await States()).Values.Order());
        Assert.Equal(12, (await clients.Sqs.GetQueueAttributesAsync(queueUrl, ["ApproximateNumberOfMessages"], Cancellation)).ApproximateNumberOfMessages);

        // Files that fail validation or binding change nothing, and the autoscaler goes on following the file.
        await File.WriteAllTextAsync(overrides, """{ "Scaling": { "MaxInstances": 0 } }""", Cancellation);
        await File.WriteAllTextAsync(overrides, """{ "Scaling": { "MaxInstances": "many" } }""", Cancellation);
        await File.WriteAllTextAsync(overrides, """{ "Scaling": { "MaxInstances": 2 } }""", Cancellation);
        await Eventually.Until(() => _scaler!.Last.Desired == 2, s_timeout, "the autoscaler deciding with the new maximum");
    }

    [Fact]
    public async Task A_request_sent_to_an_empty_fleet_starts_an_instance_before_the_next_poll()
    {
        var queueUrl = (await clients.Sqs.CreateQueueAsync(_names.RequestQueue, Cancellation)).QueueUrl;
        await Register($"{_names.Prefix}-app-1");
        await StartScaler(pollIntervalMilliseconds: 60_000);
        await Eventually.Until(() => _scaler!.Last.Reason != "not started", s_timeout, "the autoscaler's first look (fleet at zero)");
        Assert.Equal(0, _scaler!.Last.Desired);

        await clients.Sqs.SendMessageAsync(queueUrl, "request", Cancellation);
        _scaler.RequestSent();

        // The next poll is a minute away: only the nudge can start the instance within the timeout.
        await Eventually.Until(async () => (await States()).Values.Single() == "pending", s_timeout, "the instance started for the request just sent");
    }

    /// <summary>Starts the autoscaler on the web tier's own configuration path: settings bound from configuration,
    /// with <paramref name="overrides"/> read over them and again on change, as Program.cs does with Scaling:OverridesFile.</summary>
    private async Task StartScaler(string? overrides = null, int pollIntervalMilliseconds = 100)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [SettingNames.Scaling.Enabled] = "true",
            [SettingNames.Scaling.MaxInstances] = "4",
            ["Scaling:MessagesPerInstance"] = "5",
            ["Scaling:PollIntervalMilliseconds"] = pollIntervalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Scaling:InstanceNamePattern"] = $"{_names.Prefix}-app-*",
        });
        if (overrides is not null)
        {
            configuration.AddScalingOverrides(overrides);
        }
        var services = new ServiceCollection();
        services.AddOptions<ScalingOptions>().Bind(configuration.Build().GetSection(ScalingOptions.SectionName)).ValidateDataAnnotations();
        var provider = services.BuildServiceProvider();
        _scaler = new AutoScaler(clients.Sqs, _ec2, _names, provider.GetRequiredService<IOptionsMonitor<ScalingOptions>>(), TimeProvider.System, NullLogger<AutoScaler>.Instance);
        await _scaler.StartAsync(Cancellation);
    }

    private async Task Register(string name)
    {
        using var response = await _admin.PostAsJsonAsync("_emulator/ec2/instances", new { tags = new Dictionary<string, string> { ["Name"] = name } }, Cancellation);
        response.EnsureSuccessStatusCode();
    }

    private async Task Report(string id, string state)
    {
        using var response = await _admin.PostAsJsonAsync($"_emulator/ec2/instances/{id}/state", new { state }, Cancellation);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>This test's app instances (by id) and their states, through the EC2 API.</summary>
    private async Task<Dictionary<string, string>> States()
    {
        var response = await _ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new Filter("tag:Name", [$"{_names.Prefix}-app-*"])] }, Cancellation);
        return response.Reservations.SelectMany(r => r.Instances).ToDictionary(i => i.InstanceId, i => i.State.Name.Value);
    }

    private async Task<string> StateOf(string name)
    {
        var response = await _ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new Filter("tag:Name", [name])] }, Cancellation);
        return response.Reservations.Single().Instances.Single().State.Name.Value;
    }


    public async ValueTask DisposeAsync()
    {
        if (_scaler is not null)
        {
            await _scaler.StopAsync(CancellationToken.None);
            _scaler.Dispose();
        }
        _admin.Dispose();
        _ec2.Dispose();
        _folder.Delete(recursive: true);
    }
}
