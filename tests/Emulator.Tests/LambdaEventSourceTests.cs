using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Amazon.SQS.Model;
using FaceRecognition.Emulator.Tests.Support;
using FaceRecognition.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

/// <summary>SQS event source mappings, as Lambda runs them: batches of messages as invocations, deleted when handled,
/// partial batch failures honoured, a failed invocation's messages left to the queue's visibility timeout and redrive
/// policy, at most MaximumConcurrency batches at once; and the checks Lambda makes when a mapping is created.</summary>
public sealed class LambdaEventSourceTests(LambdaFixture emulator) : IClassFixture<LambdaFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _name = Names.Unique("fn");

    [Fact]
    public async Task Messages_are_handed_to_the_function_in_batches_and_deleted_once_handled()
    {
        var (url, arn, _) = await Queues(visibilityTimeout: 30);
        await Function();
        for (var i = 0; i < 7; i++) await emulator.Sqs.SendMessageAsync(url, $"message {i}", _ct);

        var created = await CreateMapping(arn, batchSize: 3);

        Assert.Equal(HttpStatusCode.Accepted, created.Status);
        Assert.Equal("Creating", (string?)created.Json!["State"]);
        await Eventually.Until(async () => await Depth(url) == 0, s_timeout, "every message to be handled and deleted");
        var invocations = (int)(await emulator.Lambda.StatusAsync(_name, _ct))["invocations"]!;
        Assert.InRange(invocations, 3, 7);
        var listed = await emulator.Lambda.SendAsync(HttpMethod.Get, $"2015-03-31/event-source-mappings/?FunctionName={_name}", cancellationToken: _ct);
        var mapping = Assert.Single(listed.EnsureSuccess().Json!["EventSourceMappings"]!.AsArray())!;
        Assert.Equal("Enabled", (string?)mapping["State"]);
        Assert.Equal(3, (int)mapping["BatchSize"]!);
        Assert.Equal("OK", (string?)mapping["LastProcessingResult"]);
    }

    [Fact]
    public async Task Only_the_records_a_function_names_as_failed_stay_and_the_redrive_policy_dead_letters_them()
    {
        // A timeout with room for a loaded machine (a timed-out invocation would fail the good message too).
        var (url, arn, deadLetters) = await Queues(visibilityTimeout: 4, maxReceiveCount: 2);
        await Function(timeout: 4);
        await emulator.Sqs.SendMessageAsync(url, "good one", _ct);
        await emulator.Sqs.SendMessageAsync(url, "this will fail", _ct);

        (await CreateMapping(arn, batchSize: 10, reportFailures: true, window: 1)).EnsureSuccess();

        await Eventually.Until(async () => await Depth(deadLetters) == 1, s_timeout, "the failing message to be dead-lettered");
        await Eventually.Until(async () => await Depth(url) == 0, s_timeout, "the queue to drain");
        var letter = (await emulator.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = deadLetters, MessageSystemAttributeNames = ["All"] }, _ct)).Messages.Single();
        Assert.Equal("this will fail", letter.Body);
    }

    [Fact]
    public async Task A_failed_invocation_deletes_nothing_so_its_messages_come_back_after_their_visibility_timeout()
    {
        var (url, arn, deadLetters) = await Queues(visibilityTimeout: 2, maxReceiveCount: 2);
        await Function(timeout: 2);
        await emulator.Sqs.SendMessageAsync(url, "crash the environment", _ct);

        (await CreateMapping(arn, batchSize: 1)).EnsureSuccess();

        await Eventually.Until(async () => await Depth(deadLetters) == 1, s_timeout, "the message to reach the dead-letter queue through the redrive policy");
        var status = await emulator.Lambda.StatusAsync(_name, _ct);
        Assert.Equal(2, (int)status["errors"]!);
        var mapping = (await emulator.Lambda.SendAsync(HttpMethod.Get, $"2015-03-31/event-source-mappings/?FunctionName={_name}", cancellationToken: _ct))
            .Json!["EventSourceMappings"]![0]!;
        Assert.Equal("PROBLEM: Function call failed", (string?)mapping["LastProcessingResult"]);
    }

    [Fact]
    public async Task No_more_batches_run_at_once_than_the_mappings_maximum_concurrency()
    {
        var (url, arn, _) = await Queues(visibilityTimeout: 30);
        await Function(timeout: 20);
        for (var i = 0; i < 6; i++) await emulator.Sqs.SendMessageAsync(url, $"sleep {i}", _ct);

        (await CreateMapping(arn, batchSize: 1, maximumConcurrency: 2)).EnsureSuccess();

        await Eventually.Until(async () => await Depth(url) == 0, s_timeout, "every message to be handled");
        Assert.Equal(2, (int)(await emulator.Lambda.StatusAsync(_name, _ct))["peakRunning"]!);
    }

    [Fact]
    public async Task A_disabled_mapping_polls_nothing_and_a_deleted_one_stops()
    {
        var (url, arn, _) = await Queues(visibilityTimeout: 30);
        await Function();
        var uuid = (string)(await CreateMapping(arn, batchSize: 1, enabled: false)).EnsureSuccess().Json!["UUID"]!;
        await emulator.Sqs.SendMessageAsync(url, "waiting", _ct);
        await Task.Delay(TimeSpan.FromSeconds(2), _ct);
        Assert.Equal(1, await Depth(url));

        var enabled = await emulator.Lambda.SendAsync(HttpMethod.Put, $"2015-03-31/event-source-mappings/{uuid}", new JsonObject { ["Enabled"] = true }, cancellationToken: _ct);
        await Eventually.Until(async () => await Depth(url) == 0, s_timeout, "the enabled mapping to take the message");
        var deleted = await emulator.Lambda.SendAsync(HttpMethod.Delete, $"2015-03-31/event-source-mappings/{uuid}", cancellationToken: _ct);
        var gone = await emulator.Lambda.SendAsync(HttpMethod.Get, $"2015-03-31/event-source-mappings/{uuid}", cancellationToken: _ct);
        await emulator.Sqs.SendMessageAsync(url, "nobody takes this", _ct);
        await Task.Delay(TimeSpan.FromSeconds(2), _ct);

        Assert.Equal("Updating", (string?)enabled.EnsureSuccess().Json!["State"]);
        Assert.Equal("Deleting", (string?)deleted.EnsureSuccess().Json!["State"]);
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Equal(1, await Depth(url));
    }

    [Fact]
    public async Task Mappings_Lambda_would_refuse_are_refused_with_its_reasons()
    {
        var (_, arn, _) = await Queues(visibilityTimeout: 5);
        await Function(timeout: 10);

        var shortVisibility = await CreateMapping(arn, batchSize: 1);
        (await emulator.Lambda.UpdateConfigurationAsync(_name, new JsonObject { ["Timeout"] = 5 }, _ct)).EnsureSuccess();
        var bigBatch = await CreateMapping(arn, batchSize: 50);
        var lowConcurrency = await CreateMapping(arn, batchSize: 1, maximumConcurrency: 1);
        var noQueue = await CreateMapping("arn:aws:sqs:us-east-1:000000000000:no-such-queue", batchSize: 1);
        var kinesis = await CreateMapping("arn:aws:kinesis:us-east-1:000000000000:stream/s", batchSize: 1);
        var noFunction = await emulator.Lambda.SendAsync(HttpMethod.Post, "2015-03-31/event-source-mappings/",
            new JsonObject { ["EventSourceArn"] = arn, ["FunctionName"] = "nobody" }, cancellationToken: _ct);
        (await CreateMapping(arn, batchSize: 1)).EnsureSuccess();
        var duplicate = await CreateMapping(arn, batchSize: 1);

        Assert.Contains("Queue visibility timeout: 5 seconds is less than Function timeout: 10 seconds", shortVisibility.Message, StringComparison.Ordinal);
        Assert.Contains("greater than 0 if maximum batch size is greater than 10", bigBatch.Message, StringComparison.Ordinal);
        Assert.Equal("ValidationException", lowConcurrency.ErrorType);
        Assert.Contains("NonExistentQueue", noQueue.Message, StringComparison.Ordinal);
        Assert.Equal("InvalidParameterValueException", kinesis.ErrorType);
        Assert.Equal("ResourceNotFoundException", noFunction.ErrorType);
        Assert.Equal("ResourceConflictException", duplicate.ErrorType);
    }

    private async Task Function(int timeout = 10) =>
        (await emulator.Lambda.CreateFunctionAsync(_name, TestFunctionPackage.Zip(), timeout, cancellationToken: _ct)).EnsureSuccess();

    private Task<LambdaResponse> CreateMapping(string arn, int batchSize, bool reportFailures = false, int window = 0, int? maximumConcurrency = null,
        bool enabled = true) =>
        emulator.Lambda.SendAsync(HttpMethod.Post, "2015-03-31/event-source-mappings/", new JsonObject
        {
            ["EventSourceArn"] = arn,
            ["FunctionName"] = _name,
            ["BatchSize"] = batchSize,
            ["MaximumBatchingWindowInSeconds"] = window,
            ["Enabled"] = enabled,
            ["FunctionResponseTypes"] = reportFailures ? new JsonArray("ReportBatchItemFailures") : new JsonArray(),
            ["ScalingConfig"] = maximumConcurrency is { } max ? new JsonObject { ["MaximumConcurrency"] = max } : null,
        }, cancellationToken: _ct);

    private async Task<(string Url, string Arn, string DeadLetters)> Queues(int visibilityTimeout, int maxReceiveCount = 5)
    {
        var deadLetters = (await emulator.Sqs.CreateQueueAsync(Names.Unique("dlq"), _ct)).QueueUrl;
        var deadLetterArn = (await emulator.Sqs.GetQueueAttributesAsync(deadLetters, ["QueueArn"], _ct)).QueueARN;
        var url = (await emulator.Sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = Names.Unique("events"),
            Attributes = new()
            {
                ["VisibilityTimeout"] = visibilityTimeout.ToString(CultureInfo.InvariantCulture),
                ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{deadLetterArn}}","maxReceiveCount":"{{maxReceiveCount}}"}""",
            },
        }, _ct)).QueueUrl;
        return (url, (await emulator.Sqs.GetQueueAttributesAsync(url, ["QueueArn"], _ct)).QueueARN, deadLetters);
    }

    private async Task<int> Depth(string url)
    {
        var attributes = await emulator.Sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"], _ct);
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
    }
}
