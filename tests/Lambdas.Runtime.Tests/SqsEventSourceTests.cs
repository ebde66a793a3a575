using Amazon.SQS.Model;
using FaceRecognition.Cloud.Tests;
using FaceRecognition.Lambdas.Runtime.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FaceRecognition.Lambdas.Runtime.Tests;

/// <summary>The local event source against the real emulator: what a Lambda SQS event source mapping would do.</summary>
public sealed class SqsEventSourceTests(EmulatorClients clients) : IClassFixture<EmulatorClients>, IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ScriptedHandler _handler = new();
    private readonly List<SqsEventSource> _sources = [];
    private readonly string _queue = $"events-{Guid.NewGuid():N}"[..30];
    private string _queueUrl = "";
    private string _deadLetterUrl = "";

    private CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_handled_event_is_deleted_and_the_handler_saw_its_record()
    {
        await StartAsync();
        await Send(Notifications.ObjectCreated("facerec-input", "clips/test 00.mp4", 322588));

        await Eventually.Until(() => _handler.Calls.Count == 1, s_timeout, "the handler is invoked");
        await Eventually.Until(async () => await Depth(_queueUrl) == 0, s_timeout, "the message is deleted");
        var (s3Event, context) = Assert.Single(_handler.Calls);
        Assert.Equal("clips/test 00.mp4", s3Event.Records[0].Key);
        Assert.Equal("test-function", context.FunctionName);
        Assert.False(string.IsNullOrEmpty(context.RequestId));
        Assert.True(context.Deadline > DateTimeOffset.UtcNow.AddSeconds(30));
        Assert.Equal(0, await Depth(_deadLetterUrl));
    }

    [Fact]
    public async Task The_s3_test_event_is_ignored_and_deleted()
    {
        await StartAsync();
        await Send(Notifications.TestEvent);
        await Send(Notifications.ObjectCreated("b", "after.mp4"));

        await Eventually.Until(() => _handler.Calls.Count == 1, s_timeout, "the real event is handled");
        await Eventually.Until(async () => await Depth(_queueUrl) == 0, s_timeout, "both messages are gone");
        Assert.Equal("after.mp4", Assert.Single(_handler.Calls).Event.Records[0].Key);
        Assert.Equal(0, await Depth(_deadLetterUrl));
    }

    [Fact]
    public async Task Rejected_input_goes_to_the_dead_letter_queue_at_once_with_its_cause()
    {
        _handler.Behaviour = (_, _, _) => throw new InputRejectedException("Not a video: the file has no video stream.");
        await StartAsync();
        var body = Notifications.ObjectCreated("b", "text.mp4");
        await Send(body);

        var dead = await ReceiveDeadLetter();
        Assert.Equal(body, dead.Body);
        Assert.Equal("Not a video: the file has no video stream.", dead.MessageAttributes[SqsEventSource.ErrorMessageAttribute].StringValue);
        Assert.Equal(nameof(InputRejectedException), dead.MessageAttributes[SqsEventSource.ErrorTypeAttribute].StringValue);
        Assert.Equal("test-function", dead.MessageAttributes[SqsEventSource.FunctionAttribute].StringValue);
        Assert.Single(_handler.Calls);
        await Eventually.Until(async () => await Depth(_queueUrl) == 0, s_timeout, "the event is deleted from its queue");
    }

    [Fact]
    public async Task Bodies_that_are_not_s3_events_are_dead_lettered_without_calling_the_handler()
    {
        await StartAsync();
        await Send("{\"hello\": \"world\"}");

        var dead = await ReceiveDeadLetter();
        Assert.StartsWith("Not an S3 event", dead.MessageAttributes[SqsEventSource.ErrorMessageAttribute].StringValue, StringComparison.Ordinal);
        Assert.Empty(_handler.Calls);
    }

    [Fact]
    public async Task A_failing_event_is_retried_and_dead_lettered_on_its_third_receive_with_the_last_error()
    {
        _handler.Behaviour = (_, _, attempt) => throw new InvalidOperationException($"S3 was unreachable (attempt {attempt})");
        await StartAsync();
        await Send(Notifications.ObjectCreated("b", "flaky.mp4"));

        var dead = await ReceiveDeadLetter();
        Assert.Equal(3, _handler.Calls.Count);
        Assert.Equal("S3 was unreachable (attempt 3)", dead.MessageAttributes[SqsEventSource.ErrorMessageAttribute].StringValue);
        Assert.Equal(nameof(InvalidOperationException), dead.MessageAttributes[SqsEventSource.ErrorTypeAttribute].StringValue);
        await Eventually.Until(async () => await Depth(_queueUrl) == 0, s_timeout, "the event is deleted from its queue");
    }

    [Fact]
    public async Task An_event_that_fails_once_succeeds_on_retry_and_is_not_dead_lettered()
    {
        _handler.Behaviour = (_, _, attempt) => attempt == 1 ? throw new IOException("connection reset") : Task.CompletedTask;
        await StartAsync();
        await Send(Notifications.ObjectCreated("b", "retry.mp4"));

        await Eventually.Until(() => _handler.Calls.Count == 2, s_timeout, "the retry");
        await Eventually.Until(async () => await Depth(_queueUrl) == 0, s_timeout, "the message is deleted after the retry");
        Assert.Equal(0, await Depth(_deadLetterUrl));
    }

    [Fact]
    public async Task In_a_batch_only_the_failed_events_are_dead_lettered()
    {
        _handler.Behaviour = (e, _, _) => e.Records[0].Key.StartsWith("bad", StringComparison.Ordinal) ? throw new InputRejectedException("bad input") : Task.CompletedTask;
        await SendBatch(["good-1.mp4", "bad-1.mp4", "good-2.mp4", "bad-2.mp4", "good-3.mp4"]);
        await StartAsync();

        await Eventually.Until(async () => await Depth(_deadLetterUrl) == 2, s_timeout, "two dead letters");
        await Eventually.Until(async () => await Depth(_queueUrl) == 0, s_timeout, "the good events are deleted");
        Assert.Equal(5, _handler.Calls.Count);
    }

    [Fact]
    public async Task No_more_invocations_run_at_once_than_the_concurrency_limit()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _handler.Behaviour = (_, _, _) => gate.Task;
        await SendBatch([.. Enumerable.Range(0, 8).Select(i => $"v{i}.mp4")]);
        await StartAsync(concurrency: 3);

        await Eventually.Until(() => _handler.Running == 3, s_timeout, "three invocations running");
        // The other five are waiting on the queue, not in the process.
        Assert.Equal(5, await Visible(_queueUrl));
        gate.SetResult();

        await Eventually.Until(() => _handler.Calls.Count == 8, s_timeout, "all eight handled");
        await Eventually.Until(async () => await Depth(_queueUrl) == 0, s_timeout, "all deleted");
        Assert.Equal(3, _handler.Peak);
    }

    [Fact]
    public async Task Work_longer_than_the_visibility_timeout_is_kept_invisible_and_done_once()
    {
        _handler.Behaviour = (_, context, _) => Task.Delay(TimeSpan.FromSeconds(5), context.CancellationToken);
        await StartAsync(visibilityTimeoutSeconds: 2);
        await Send(Notifications.ObjectCreated("b", "long.mp4"));

        await Eventually.Until(() => _handler.Calls.Count >= 1, s_timeout, "the invocation starts");
        await Eventually.Until(async () => await Depth(_queueUrl) == 0, s_timeout, "the message is deleted");
        Assert.Single(_handler.Calls);
    }

    [Fact]
    public async Task An_invocation_past_its_timeout_is_cancelled_and_counts_as_failed()
    {
        _handler.Behaviour = (_, context, _) => Task.Delay(s_timeout, context.CancellationToken);
        await StartAsync(timeoutSeconds: 1, maxReceiveCount: 1);
        await Send(Notifications.ObjectCreated("b", "slow.mp4"));

        var dead = await ReceiveDeadLetter();
        Assert.Equal("Timed out after 1 s.", dead.MessageAttributes[SqsEventSource.ErrorMessageAttribute].StringValue);
    }

    [Fact]
    public async Task Stopping_lets_running_invocations_finish_and_takes_no_new_events()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _handler.Behaviour = (_, _, _) => gate.Task;
        var source = await StartAsync(concurrency: 1);
        await SendBatch(["running.mp4", "waiting.mp4"]);
        await Eventually.Until(() => _handler.Running == 1, s_timeout, "the first invocation runs");

        var stopping = source.StopAsync(Cancellation);
        gate.SetResult();
        await stopping;

        Assert.Equal("running.mp4", Assert.Single(_handler.Calls).Event.Records[0].Key);
        Assert.Equal(1, await Depth(_queueUrl));
        Assert.Equal(1, await Visible(_queueUrl));
    }

    [Fact]
    public async Task When_the_shutdown_time_is_up_unfinished_events_are_handed_back_to_the_queue()
    {
        _handler.Behaviour = (_, context, _) => Task.Delay(s_timeout, context.CancellationToken);
        var source = await StartAsync();
        await Send(Notifications.ObjectCreated("b", "interrupted.mp4"));
        await Eventually.Until(() => _handler.Running == 1, s_timeout, "the invocation runs");

        using var shutdownTime = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await source.StopAsync(shutdownTime.Token);

        await Eventually.Until(async () => await Visible(_queueUrl) == 1, s_timeout, "the event is visible again");
        Assert.Equal(0, await Depth(_deadLetterUrl));
    }

    [Fact]
    public async Task The_event_source_waits_for_its_queue_to_be_created()
    {
        var source = await StartAsync(createQueue: false);
        await Task.Yield();
        await CreateQueuesAsync(30);
        await Send(Notifications.ObjectCreated("b", "late.mp4"));

        await Eventually.Until(() => _handler.Calls.Count == 1, s_timeout, "the event is handled once the queue exists");
        await source.StopAsync(Cancellation);
    }

    private async Task<SqsEventSource> StartAsync(int concurrency = 4, int visibilityTimeoutSeconds = 30, int timeoutSeconds = 60, int maxReceiveCount = 3,
        bool createQueue = true)
    {
        if (createQueue)
        {
            await CreateQueuesAsync(visibilityTimeoutSeconds);
        }
        var invoker = new FunctionInvoker(_handler, "test-function", NullLogger.Instance, TimeProvider.System);
        var options = new FunctionOptions
        {
            Queue = _queue,
            Concurrency = concurrency,
            TimeoutSeconds = timeoutSeconds,
            MaxReceiveCount = maxReceiveCount,
            WaitTimeSeconds = 1,
        };
        var source = new SqsEventSource(clients.Sqs, invoker, Options.Create(options), NullLogger<SqsEventSource>.Instance);
        _sources.Add(source);
        await source.StartAsync(Cancellation);
        return source;
    }

    private async Task CreateQueuesAsync(int visibilityTimeoutSeconds)
    {
        if (_queueUrl.Length > 0)
        {
            return;
        }
        _deadLetterUrl = (await clients.Sqs.CreateQueueAsync(_queue + "-dlq", Cancellation)).QueueUrl;
        var deadLetterArn = (await clients.Sqs.GetQueueAttributesAsync(_deadLetterUrl, ["QueueArn"], Cancellation)).QueueARN;
        _queueUrl = (await clients.Sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = _queue,
            Attributes = new()
            {
                ["VisibilityTimeout"] = visibilityTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                // A backstop above the event source's own count, as the topology sets it.
                ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{deadLetterArn}}","maxReceiveCount":"10"}""",
            },
        }, Cancellation)).QueueUrl;
    }

    private async Task Send(string body)
    {
        await CreateQueuesAsync(30);
        await clients.Sqs.SendMessageAsync(_queueUrl, body, Cancellation);
    }

    private async Task SendBatch(IEnumerable<string> keys)
    {
        await CreateQueuesAsync(30);
        foreach (var key in keys)
        {
            await clients.Sqs.SendMessageAsync(_queueUrl, Notifications.ObjectCreated("b", key), Cancellation);
        }
    }

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

    private async Task<int> Visible(string url) =>
        (await clients.Sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages"], Cancellation)).ApproximateNumberOfMessages;

    public async ValueTask DisposeAsync()
    {
        _handler.Behaviour = (_, _, _) => Task.CompletedTask;
        foreach (var source in _sources)
        {
            await source.StopAsync(CancellationToken.None);
            source.Dispose();
        }
    }
}
