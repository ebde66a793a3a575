using System.Globalization;
using System.Text.Json;
using Amazon.SQS.Model;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Lambdas.Runtime.RuntimeApi;
using FaceRecognition.Lambdas.Runtime.Tests.Support;
using FaceRecognition.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceRecognition.Lambdas.Runtime.Tests;

/// <summary>
/// A function fed by an SQS event source mapping, against the real emulator: batches received from a queue as the
/// mapping receives them, handed to <see cref="QueueEventBatch"/>, and settled as the mapping settles them (the records
/// not named as failures are deleted). What the dead-letter rule does with failures is what these check.
/// </summary>
public sealed class QueueEventBatchTests(EmulatorClients clients) : IClassFixture<EmulatorClients>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ScriptedHandler _handler = new();
    private readonly string _queue = $"events-{Guid.NewGuid():N}"[..30];
    private string _queueUrl = "";
    private string _deadLetterUrl = "";

    private CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Handled_events_and_the_s3_test_event_are_not_failures()
    {
        await CreateQueuesAsync();
        await Send(Notifications.ObjectCreated("facerec-input", "clips/test 00.mp4", 322588));
        await Send(Notifications.TestEvent);

        var failures = await RunBatch(expected: 2);

        Assert.Empty(failures);
        var (s3Event, context) = Assert.Single(_handler.Calls);
        Assert.Equal("clips/test 00.mp4", s3Event.Records[0].Key);
        Assert.Equal("test-function", context.FunctionName);
        Assert.Equal(0, await Depth(_queueUrl));
        Assert.Equal(0, await Depth(_deadLetterUrl));
    }

    [Fact]
    public async Task Rejected_input_goes_to_the_dead_letter_queue_at_once_with_its_cause()
    {
        _handler.Behaviour = (_, _, _) => throw new InputRejectedException("Not a video: the file has no video stream.");
        await CreateQueuesAsync();
        var body = Notifications.ObjectCreated("b", "text.mp4");
        await Send(body);

        var failures = await RunBatch(expected: 1);

        Assert.Empty(failures);
        var dead = await ReceiveDeadLetter();
        Assert.Equal(body, dead.Body);
        Assert.Equal("Not a video: the file has no video stream.", dead.MessageAttributes[DeadLetterRule.ErrorMessageAttribute].StringValue);
        Assert.Equal(nameof(InputRejectedException), dead.MessageAttributes[DeadLetterRule.ErrorTypeAttribute].StringValue);
        Assert.Equal("test-function", dead.MessageAttributes[DeadLetterRule.SourceAttribute].StringValue);
        Assert.Equal(0, await Depth(_queueUrl));
    }

    [Fact]
    public async Task Bodies_that_are_not_s3_events_are_dead_lettered_without_calling_the_handler()
    {
        await CreateQueuesAsync();
        await Send("{\"hello\": \"world\"}");

        Assert.Empty(await RunBatch(expected: 1));

        var dead = await ReceiveDeadLetter();
        Assert.StartsWith("Not an S3 event", dead.MessageAttributes[DeadLetterRule.ErrorMessageAttribute].StringValue, StringComparison.Ordinal);
        Assert.Empty(_handler.Calls);
    }

    [Fact]
    public async Task A_failing_event_comes_back_within_seconds_and_is_dead_lettered_with_its_last_error_on_the_receive_the_redrive_allows_last()
    {
        _handler.Behaviour = (_, _, attempt) => throw new InvalidOperationException($"S3 was unreachable (attempt {attempt})");
        await CreateQueuesAsync(maxReceiveCount: 3);
        await Send(Notifications.ObjectCreated("b", "flaky.mp4"));

        var first = await RunBatch(expected: 1);
        var second = await RunBatch(expected: 1);
        var third = await RunBatch(expected: 1);

        Assert.Single(first);
        Assert.Single(second);
        Assert.Empty(third);
        Assert.Equal(3, _handler.Calls.Count);
        var dead = await ReceiveDeadLetter();
        Assert.Equal("S3 was unreachable (attempt 3)", dead.MessageAttributes[DeadLetterRule.ErrorMessageAttribute].StringValue);
        Assert.Equal(nameof(InvalidOperationException), dead.MessageAttributes[DeadLetterRule.ErrorTypeAttribute].StringValue);
        Assert.Equal(0, await Depth(_queueUrl));
    }

    [Fact]
    public async Task An_event_that_fails_once_succeeds_on_retry_and_is_not_dead_lettered()
    {
        _handler.Behaviour = (_, _, attempt) => attempt == 1 ? throw new IOException("connection reset") : Task.CompletedTask;
        await CreateQueuesAsync();
        await Send(Notifications.ObjectCreated("b", "retry.mp4"));

        Assert.Single(await RunBatch(expected: 1));
        Assert.Empty(await RunBatch(expected: 1));

        Assert.Equal(2, _handler.Calls.Count);
        Assert.Equal(0, await Depth(_queueUrl));
        Assert.Equal(0, await Depth(_deadLetterUrl));
    }

    [Fact]
    public async Task In_a_batch_only_the_failed_events_are_named_and_only_the_rejected_ones_dead_lettered()
    {
        _handler.Behaviour = (e, _, _) => e.Records[0].Key switch
        {
            var key when key.StartsWith("bad", StringComparison.Ordinal) => throw new InputRejectedException("bad input"),
            var key when key.StartsWith("flaky", StringComparison.Ordinal) => throw new IOException("try again"),
            _ => Task.CompletedTask,
        };
        await CreateQueuesAsync();
        foreach (var key in new[] { "good-1.mp4", "bad-1.mp4", "flaky-1.mp4", "good-2.mp4", "bad-2.mp4" }) await Send(Notifications.ObjectCreated("b", key));

        var failures = await RunBatch(expected: 5);

        Assert.Single(failures);
        Assert.Equal(5, _handler.Calls.Count);
        Assert.Equal(2, await Depth(_deadLetterUrl));
        Assert.Equal(1, await Depth(_queueUrl));
    }

    [Fact]
    public async Task Work_past_the_invocations_deadline_is_cancelled_in_time_to_dead_letter_it_with_the_timeout_as_its_cause()
    {
        _handler.Behaviour = (_, context, _) => Task.Delay(s_timeout, context.CancellationToken);
        await CreateQueuesAsync(maxReceiveCount: 1);
        await Send(Notifications.ObjectCreated("b", "slow.mp4"));

        var failures = await RunBatch(expected: 1, deadline: TimeSpan.FromSeconds(2));

        Assert.Empty(failures);
        var dead = await ReceiveDeadLetter();
        Assert.StartsWith("Timed out after", dead.MessageAttributes[DeadLetterRule.ErrorMessageAttribute].StringValue, StringComparison.Ordinal);
        Assert.Equal("TimeoutError", dead.MessageAttributes[DeadLetterRule.ErrorTypeAttribute].StringValue);
    }

    [Fact]
    public async Task Without_a_redrive_policy_a_failing_event_is_only_ever_retried()
    {
        _handler.Behaviour = (_, _, _) => throw new IOException("down");
        await CreateQueuesAsync(maxReceiveCount: null);
        await Send(Notifications.ObjectCreated("b", "stuck.mp4"));

        Assert.Single(await RunBatch(expected: 1));
        Assert.Single(await RunBatch(expected: 1));

        Assert.Equal(1, await Depth(_queueUrl));
        Assert.Equal(0, await Depth(_deadLetterUrl));
    }

    /// <summary>Receives a batch as an event source mapping does (waiting until <paramref name="expected"/> messages are
    /// visible), handles it, and deletes what the answer does not name as failed.</summary>
    private async Task<IReadOnlyList<string>> RunBatch(int expected, TimeSpan? deadline = null)
    {
        List<Message> messages = [];
        await Eventually.Until(async () =>
        {
            var response = await clients.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = _queueUrl,
                MaxNumberOfMessages = 10,
                WaitTimeSeconds = 1,
                MessageSystemAttributeNames = ["All"],
            }, Cancellation);
            messages.AddRange(response.Messages ?? []);
            return messages.Count >= expected;
        }, s_timeout, $"{expected} messages to receive");
        var arn = (await clients.Sqs.GetQueueAttributesAsync(_queueUrl, ["QueueArn"], Cancellation)).QueueARN;
        var records = messages.Select(m => new SqsEventRecord(m.MessageId, m.ReceiptHandle, m.Body, m.Attributes, "aws:sqs", arn)).ToList();
        var invoker = new FunctionInvoker(_handler, "test-function", NullLogger.Instance, TimeProvider.System);
        var batch = new QueueEventBatch(invoker, new DeadLetterRule(clients.Sqs, NullLogger<DeadLetterRule>.Instance), TimeProvider.System, NullLogger<QueueEventBatch>.Instance);

        var failures = await batch.HandleAsync(new SqsEvent(records), "request-1", DateTimeOffset.UtcNow + (deadline ?? TimeSpan.FromSeconds(60)), Cancellation);

        foreach (var message in messages.Where(m => !failures.Contains(m.MessageId)))
        {
            await clients.Sqs.DeleteMessageAsync(_queueUrl, message.ReceiptHandle, Cancellation);
        }
        return failures;
    }

    private async Task CreateQueuesAsync(int? maxReceiveCount = 3)
    {
        _deadLetterUrl = (await clients.Sqs.CreateQueueAsync(_queue + "-dlq", Cancellation)).QueueUrl;
        var deadLetterArn = (await clients.Sqs.GetQueueAttributesAsync(_deadLetterUrl, ["QueueArn"], Cancellation)).QueueARN;
        var attributes = new Dictionary<string, string> { ["VisibilityTimeout"] = "30" };
        if (maxReceiveCount is { } max)
        {
            attributes["RedrivePolicy"] = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["deadLetterTargetArn"] = deadLetterArn,
                ["maxReceiveCount"] = max.ToString(CultureInfo.InvariantCulture),
            });
        }
        _queueUrl = (await clients.Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = _queue, Attributes = attributes }, Cancellation)).QueueUrl;
    }

    private Task Send(string body) => clients.Sqs.SendMessageAsync(_queueUrl, body, Cancellation);

    private async Task<Message> ReceiveDeadLetter()
    {
        Message? message = null;
        await Eventually.Until(async () =>
        {
            var response = await clients.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = _deadLetterUrl,
                MessageAttributeNames = ["All"],
                WaitTimeSeconds = 1,
            }, Cancellation);
            message = response.Messages?.FirstOrDefault();
            return message is not null;
        }, s_timeout, "a dead letter");
        return message!;
    }

    private async Task<int> Depth(string url)
    {
        var attributes = await clients.Sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"], Cancellation);
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
    }
}
