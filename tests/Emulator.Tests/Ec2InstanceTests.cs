using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using FaceRecognition.Emulator.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

/// <summary>The minimal EC2 API an autoscaler uses, through the real AWSSDK.EC2 client.</summary>
public sealed class Ec2InstanceTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _group = $"ec2test{Guid.NewGuid():N}"[..14];
    private readonly HttpClient _admin = AdminHttp.Create(emulator.ServiceUrl, EmulatorFixture.AccessKey, EmulatorFixture.SecretKey);
    private readonly AmazonEC2Client _ec2 = new(new BasicAWSCredentials(EmulatorFixture.AccessKey, EmulatorFixture.SecretKey),
        new AmazonEC2Config { ServiceURL = emulator.ServiceUrl, AuthenticationRegion = "us-east-1" });

    [Fact]
    public async Task Registered_instances_are_described_with_their_tags_and_found_by_tag_wildcards()
    {
        var one = await Register($"{_group}-app-1");
        var two = await Register($"{_group}-app-2");
        await Register($"{_group}-other");

        var response = await _ec2.DescribeInstancesAsync(new DescribeInstancesRequest
        {
            Filters = [new Filter("tag:Name", [$"{_group}-app-*"])],
        }, _ct);

        var instances = response.Reservations.SelectMany(r => r.Instances).ToArray();
        Assert.Equal(new[] { one, two }.Order(), instances.Select(i => i.InstanceId).Order());
        Assert.All(instances, i => Assert.Equal(InstanceStateName.Stopped, i.State.Name));
        Assert.All(instances, i => Assert.Equal(80, i.State.Code));
        Assert.Equal($"{_group}-app-1", instances.Single(i => i.InstanceId == one).Tags.Single(t => t.Key == "Name").Value);
    }

    [Fact]
    public async Task An_instance_registered_running_is_described_running_and_can_be_stopped()
    {
        using var registered = await _admin.PostAsJsonAsync("_emulator/ec2/instances",
            new { tags = new Dictionary<string, string> { ["Name"] = $"{_group}-web-instance" }, state = "running" }, _ct);
        registered.EnsureSuccessStatusCode();
        var id = JsonDocument.Parse(await registered.Content.ReadAsStringAsync(_ct)).RootElement.GetProperty("instanceId").GetString()!;

        Assert.Equal(InstanceStateName.Running, await State(id));
        var stopped = await _ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [id] }, _ct);
        Assert.Equal(InstanceStateName.Stopping, stopped.StoppingInstances[0].CurrentState.Name);
    }

    [Fact]
    public async Task Start_and_stop_go_through_pending_and_stopping_until_the_runner_reports_back()
    {
        var id = await Register($"{_group}-app-1");

        var started = await _ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [id] }, _ct);
        Assert.Equal((InstanceStateName.Stopped, InstanceStateName.Pending),
            (started.StartingInstances[0].PreviousState.Name, started.StartingInstances[0].CurrentState.Name));
        Assert.Equal(InstanceStateName.Pending, await State(id));
        await Report(id, "running");
        Assert.Equal(InstanceStateName.Running, await State(id));

        var running = await _ec2.DescribeInstancesAsync(new DescribeInstancesRequest
        {
            Filters = [new Filter("tag:Name", [$"{_group}-*"]), new Filter("instance-state-name", ["running", "pending"])],
        }, _ct);
        Assert.Equal([id], running.Reservations.SelectMany(r => r.Instances).Select(i => i.InstanceId));

        var stopped = await _ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [id] }, _ct);
        Assert.Equal(InstanceStateName.Stopping, stopped.StoppingInstances[0].CurrentState.Name);
        await Report(id, "stopped");
        Assert.Equal(InstanceStateName.Stopped, await State(id));
    }

    [Fact]
    public async Task Starting_a_running_instance_or_stopping_a_stopped_one_changes_nothing()
    {
        var id = await Register($"{_group}-app-1");
        await _ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [id] }, _ct);
        await _ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [id] }, _ct);
        await _ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [id] }, _ct);

        Assert.Equal(InstanceStateName.Pending, await State(id));
    }

    [Fact]
    public async Task Unknown_instances_stopping_instances_and_unknown_filters_get_the_errors_EC2_gives()
    {
        var id = await Register($"{_group}-app-1");
        await _ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [id] }, _ct);
        await _ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [id] }, _ct);

        var notFound = await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = ["i-0000000000000000"] }, _ct));
        var wrongState = await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [id] }, _ct));
        var badFilter = await Assert.ThrowsAsync<AmazonEC2Exception>(() =>
            _ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new Filter("vpc-id", ["x"])] }, _ct));

        Assert.Equal("InvalidInstanceID.NotFound", notFound.ErrorCode);
        Assert.Equal("IncorrectInstanceState", wrongState.ErrorCode);
        Assert.Equal("InvalidParameterValue", badFilter.ErrorCode);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused()
    {
        using var stranger = new AmazonEC2Client(new BasicAWSCredentials(EmulatorFixture.AccessKey, "wrong"),
            new AmazonEC2Config { ServiceURL = emulator.ServiceUrl, AuthenticationRegion = "us-east-1" });

        var error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => stranger.DescribeInstancesAsync(new DescribeInstancesRequest(), _ct));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("AuthFailure", error.ErrorCode);
    }

    [Theory]
    [InlineData("POST", "/_emulator/ec2/instances", "{\"tags\": 5}")]
    [InlineData("POST", "/_emulator/ec2/instances", "not json")]
    [InlineData("POST", "/_emulator/ec2/instances", "{\"tags\": {\"Name\": \"x\"}, \"state\": \"pending\"}")]
    [InlineData("POST", "/_emulator/ec2/instances/i-nope/state", "{\"state\":\"running\"}")]
    [InlineData("POST", "/_emulator/ec2/instances/i-nope/state", "{\"state\":\"exploded\"}")]
    [InlineData("DELETE", "/_emulator/ec2/instances", "")]
    public async Task The_admin_endpoint_answers_bad_requests_with_a_reason(string method, string path, string body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/')) { Content = new StringContent(body) };
        using var response = await _admin.SendAsync(request, _ct);

        Assert.InRange((int)response.StatusCode, 400, 404);
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(await response.Content.ReadAsStringAsync(_ct)).RootElement.GetProperty("error").GetString()));
    }

    private async Task<string> Register(string name)
    {
        using var response = await _admin.PostAsJsonAsync("_emulator/ec2/instances", new { tags = new Dictionary<string, string> { ["Name"] = name } }, _ct);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(_ct)).RootElement.GetProperty("instanceId").GetString()!;
    }

    private async Task Report(string id, string state)
    {
        using var response = await _admin.PostAsJsonAsync($"_emulator/ec2/instances/{id}/state", new { state }, _ct);
        response.EnsureSuccessStatusCode();
    }

    private async Task<InstanceStateName> State(string id) =>
        (await _ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [id] }, _ct)).Reservations.Single().Instances.Single().State.Name;

    public void Dispose()
    {
        _admin.Dispose();
        _ec2.Dispose();
    }
}
