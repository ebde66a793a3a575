using System.Globalization;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using FaceRecognition.Emulator.Tests.Support;
using FaceRecognition.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

/// <summary>Functions, their event source mappings and the events waiting for an asynchronous invocation are kept as
/// durably as buckets and queues: across a restart and across kill -9 of the emulator executable.</summary>
public sealed class LambdaDurabilityTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Functions_mappings_and_waiting_events_survive_kill_9_and_serve_after_the_restart()
    {
        using var data = new TestDirectory("lambda-kill");
        var first = await EmulatorProcess.StartAsync(data.Path, cancellationToken: _ct);
        string queueUrl;
        string requestId;
        using (var lambda = new LambdaClient(first.ServiceUrl, EmulatorFixture.AccessKey, EmulatorFixture.SecretKey))
        using (var sqs = Sqs(first.ServiceUrl))
        {
            (await lambda.CreateFunctionAsync("durable", TestFunctionPackage.Zip(), cancellationToken: _ct)).EnsureSuccess();
            queueUrl = (await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "durable-events", Attributes = new() { ["VisibilityTimeout"] = "30" } }, _ct)).QueueUrl;
            (await lambda.SendAsync(HttpMethod.Post, "2015-03-31/event-source-mappings/", new JsonObject
            {
                ["EventSourceArn"] = "arn:aws:sqs:us-east-1:000000000000:durable-events",
                ["FunctionName"] = "durable",
                ["BatchSize"] = 1,
            }, cancellationToken: _ct)).EnsureSuccess();
            // An event that cannot run yet (no concurrency), so it is still waiting when the emulator is killed.
            (await lambda.PutConcurrencyAsync("durable", 0, _ct)).EnsureSuccess();
            requestId = (await lambda.InvokeAsync("durable", new JsonObject { ["echo"] = "kept" }, type: "Event", cancellationToken: _ct)).Headers["x-amzn-RequestId"];
        }

        await first.KillAsync();
        await using var second = await EmulatorProcess.StartAsync(data.Path, first.Port, cancellationToken: _ct);
        using var restarted = new LambdaClient(second.ServiceUrl, EmulatorFixture.AccessKey, EmulatorFixture.SecretKey);
        using var restartedSqs = Sqs(second.ServiceUrl);

        var function = (await restarted.SendAsync(HttpMethod.Get, "2015-03-31/functions/durable", cancellationToken: _ct)).EnsureSuccess();
        var mappings = (await restarted.SendAsync(HttpMethod.Get, "2015-03-31/event-source-mappings/?FunctionName=durable", cancellationToken: _ct)).EnsureSuccess();
        Assert.Equal(0, (int)function.Json!["Concurrency"]!["ReservedConcurrentExecutions"]!);
        Assert.Equal("Enabled", (string?)Assert.Single(mappings.Json!["EventSourceMappings"]!.AsArray())!["State"]);
        (await restarted.SendAsync(HttpMethod.Delete, "2017-10-31/functions/durable/concurrency", cancellationToken: _ct)).EnsureSuccess();
        var invoked = (await restarted.InvokeAsync("durable", new JsonObject { ["echo"] = "after the kill" }, cancellationToken: _ct)).EnsureSuccess();
        await restartedSqs.SendMessageAsync(queueUrl, "through the mapping", _ct);

        Assert.Equal("after the kill", (string?)invoked.Json!["echo"]);
        await Eventually.Until(async () => (await restarted.LogAsync("durable", _ct)).Contains($"handling {requestId}"), s_timeout, "the waiting event to run");
        await Eventually.Until(async () => (await Depth(restartedSqs, queueUrl)) == 0, s_timeout, "the mapping to take the message");
    }

    [Fact]
    public async Task A_graceful_restart_keeps_functions_and_their_unpacked_code_is_rebuilt_if_it_is_gone()
    {
        await using var emulator = new LambdaFixture();
        await emulator.InitializeAsync();
        (await emulator.Lambda.CreateFunctionAsync("kept", TestFunctionPackage.Zip(), variables: new() { ["COLOUR"] = "blue" }, cancellationToken: _ct)).EnsureSuccess();
        var port = emulator.Host.ServiceUrl.Port;
        var data = emulator.Data.Path;
        await emulator.Host.DisposeAsync();
        Directory.Delete(Path.Combine(data, "lambda", "code"), recursive: true);

        await using var restarted = await Hosting.EmulatorHost.StartAsync(options =>
        {
            options.Port = port;
            options.DataDirectory = data;
            options.Credentials = [$"{EmulatorFixture.AccessKey}:{EmulatorFixture.SecretKey}"];
        }, cancellationToken: _ct);
        using var lambda = new LambdaClient(restarted.ServiceUrl.ToString(), EmulatorFixture.AccessKey, EmulatorFixture.SecretKey);

        var answer = (await lambda.InvokeAsync("kept", new JsonObject { ["vars"] = new JsonArray("COLOUR") }, cancellationToken: _ct)).EnsureSuccess();

        Assert.Equal("blue", (string?)answer.Json!["vars"]!["COLOUR"]);
    }

    private static AmazonSQSClient Sqs(string serviceUrl) => new(new BasicAWSCredentials(EmulatorFixture.AccessKey, EmulatorFixture.SecretKey),
        new AmazonSQSConfig { ServiceURL = serviceUrl, AuthenticationRegion = "us-east-1" });

    private async Task<int> Depth(AmazonSQSClient sqs, string url)
    {
        var attributes = await sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"], _ct);
        return int.Parse(attributes.Attributes["ApproximateNumberOfMessages"], CultureInfo.InvariantCulture) + attributes.ApproximateNumberOfMessagesNotVisible;
    }
}
