using System.Text.Json;
using System.Text.Json.Nodes;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Lambdas.Runtime.RuntimeApi;
using FaceRecognition.Lambdas.Runtime.Tests.Support;
using FaceRecognition.Tests.Support;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceRecognition.Lambdas.Runtime.Tests;

/// <summary>The AWS mode: the custom runtime's loop against a Runtime API server speaking the documented protocol.</summary>
public sealed class RuntimeApiLoopTests(EmulatorClients clients) : IClassFixture<EmulatorClients>, IAsyncLifetime
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ScriptedHandler _handler = new();
    private FakeRuntimeApi _api = null!;
    private RuntimeApiLoop _loop = null!;

    public async ValueTask InitializeAsync()
    {
        _api = await FakeRuntimeApi.StartAsync();
        var invoker = new FunctionInvoker(_handler, "test-function", NullLogger.Instance, TimeProvider.System);
        var batches = new QueueEventBatch(invoker, new DeadLetterRule(clients.Sqs, NullLogger<DeadLetterRule>.Instance), TimeProvider.System, NullLogger<QueueEventBatch>.Instance);
        _loop = new RuntimeApiLoop(new RuntimeApiClient(RuntimeApiClient.CreateHttpClient(_api.Address)), invoker, batches, TimeProvider.System,
            new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance), NullLogger<RuntimeApiLoop>.Instance);
        await _loop.StartAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task An_s3_event_is_handled_and_answered_with_a_response()
    {
        var id = _api.Invoke(Notifications.ObjectCreated("facerec-input", "test 00.mp4"), TimeSpan.FromSeconds(42));

        var reply = await _api.ReplyTo(id).WaitAsync(s_timeout, TestContext.Current.CancellationToken);

        Assert.Equal(RuntimeReplyKind.Response, reply.Kind);
        var (s3Event, context) = Assert.Single(_handler.Calls);
        Assert.Equal("test 00.mp4", s3Event.Records[0].Key);
        Assert.Equal(id, context.RequestId);
        // The deadline is the one the Runtime API gave, to the millisecond it carries.
        Assert.InRange((context.Deadline - DateTimeOffset.UtcNow).TotalSeconds, 30, 42);
    }

    [Fact]
    public async Task A_failing_handler_is_reported_through_the_error_endpoint_and_the_next_event_still_runs()
    {
        _handler.Behaviour = (e, _, _) => e.Records[0].Key == "bad.mp4" ? throw new InvalidOperationException("ffmpeg exploded") : Task.CompletedTask;

        var bad = _api.Invoke(Notifications.ObjectCreated("b", "bad.mp4"));
        var error = await _api.ReplyTo(bad).WaitAsync(s_timeout, TestContext.Current.CancellationToken);
        var good = _api.Invoke(Notifications.ObjectCreated("b", "good.mp4"));
        var response = await _api.ReplyTo(good).WaitAsync(s_timeout, TestContext.Current.CancellationToken);

        Assert.Equal(RuntimeReplyKind.Error, error.Kind);
        Assert.Equal(nameof(InvalidOperationException), error.ErrorTypeHeader);
        var body = JsonNode.Parse(error.Body)!;
        Assert.Equal("ffmpeg exploded", (string?)body["errorMessage"]);
        Assert.Equal(nameof(InvalidOperationException), (string?)body["errorType"]);
        Assert.NotNull(body["stackTrace"] as JsonArray);
        Assert.Equal(RuntimeReplyKind.Response, response.Kind);
    }

    [Fact]
    public async Task An_answer_the_Runtime_API_refuses_does_not_end_the_environment()
    {
        var refused = _api.Invoke(Notifications.ObjectCreated("b", "late.mp4"), refuseAnswer: true);
        await _api.ReplyTo(refused).WaitAsync(s_timeout, TestContext.Current.CancellationToken);
        var next = _api.Invoke(Notifications.ObjectCreated("b", "next.mp4"));

        var reply = await _api.ReplyTo(next).WaitAsync(s_timeout, TestContext.Current.CancellationToken);

        Assert.Equal(RuntimeReplyKind.Response, reply.Kind);
        Assert.Equal(["late.mp4", "next.mp4"], _handler.Calls.Select(c => c.Event.Records[0].Key));
    }

    [Fact]
    public async Task Rejected_input_and_malformed_events_are_errors_too()
    {
        _handler.Behaviour = (_, _, _) => throw new InputRejectedException("The file is empty (0 bytes).");

        var rejected = await _api.ReplyTo(_api.Invoke(Notifications.ObjectCreated("b", "empty.mp4"))).WaitAsync(s_timeout, TestContext.Current.CancellationToken);
        var malformed = await _api.ReplyTo(_api.Invoke("{\"not\":\"an event\"}")).WaitAsync(s_timeout, TestContext.Current.CancellationToken);

        Assert.Equal("The file is empty (0 bytes).", (string?)JsonNode.Parse(rejected.Body)!["errorMessage"]);
        Assert.Equal(RuntimeReplyKind.Error, malformed.Kind);
        Assert.StartsWith("Not an S3 event", (string?)JsonNode.Parse(malformed.Body)!["errorMessage"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_sqs_batch_of_s3_events_is_answered_with_the_records_that_failed()
    {
        // The batch names a queue that does not exist: a failed record cannot be settled there, so it is left to be retried.
        _handler.Behaviour = (e, _, _) => e.Records[0].Key.StartsWith("bad", StringComparison.Ordinal) ? throw new IOException("no") : Task.CompletedTask;
        var batch = new JsonObject
        {
            ["Records"] = new JsonArray(
                SqsRecord("m-1", Notifications.ObjectCreated("b", "good-1.mp4")),
                SqsRecord("m-2", Notifications.ObjectCreated("b", "bad-1.mp4")),
                SqsRecord("m-3", Notifications.TestEvent),
                SqsRecord("m-4", Notifications.ObjectCreated("b", "good-2.mp4"))),
        }.ToJsonString();

        var reply = await _api.ReplyTo(_api.Invoke(batch)).WaitAsync(s_timeout, TestContext.Current.CancellationToken);

        Assert.Equal(RuntimeReplyKind.Response, reply.Kind);
        var failures = JsonNode.Parse(reply.Body)!["batchItemFailures"]!.AsArray().Select(f => (string?)f!["itemIdentifier"]).ToArray();
        Assert.Equal(["m-2"], failures);
        Assert.Equal(3, _handler.Calls.Count);
    }

    private static JsonObject SqsRecord(string id, string body) => new()
    {
        ["messageId"] = id,
        ["receiptHandle"] = "handle-" + id,
        ["body"] = body,
        ["eventSource"] = "aws:sqs",
        ["eventSourceARN"] = "arn:aws:sqs:us-east-1:000000000000:facerec-video-split-events",
        ["awsRegion"] = "us-east-1",
    };

    public async ValueTask DisposeAsync()
    {
        await _loop.StopAsync(CancellationToken.None);
        _loop.Dispose();
        await _api.DisposeAsync();
    }
}
