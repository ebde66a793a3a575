using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Amazon.SQS.Model;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceRecognition.Cloud.Tests;

/// <summary>The one SQS consumer (app tier's requests, web tier's replies), against the emulator's SQS.</summary>
public sealed class QueueConsumerTests(EmulatorClients cloud) : IClassFixture<EmulatorClients>, IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly CancellationTokenSource _stopReceiving = new();
    private readonly CancellationTokenSource _abandon = new();
    private readonly string _queue = $"consumer-{Guid.NewGuid():N}"[..30];
    private Task _running = Task.CompletedTask;

    [Fact]
    public async Task No_more_messages_are_taken_than_the_concurrency_limit_and_the_rest_wait_in_the_queue()
    {
        var url = await CreateQueueAsync();
        await SendAsync(url, 8);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (working, most, handled) = (0, 0, 0);

        Start(url, Settings(concurrency: 3, visibility: 30), async (_, _) =>
        {
            var now = Interlocked.Increment(ref working);
            InterlockedMax(ref most, now);
            await gate.Task;
            Interlocked.Decrement(ref working);
            Interlocked.Increment(ref handled);
        });

        await Eventually.Until(() => Volatile.Read(ref working) == 3, s_timeout, "three messages at work");
        var (visible, received) = await CountsAsync(url);
        Assert.Equal((5, 3), (visible, received));
        gate.SetResult();
        await Eventually.Until(() => Volatile.Read(ref handled) == 8, s_timeout, "all eight handled");
        await Eventually.Until(async () => await CountsAsync(url) == (0, 0), s_timeout, "the queue empty: each handled message deleted");
        Assert.Equal(3, most);
    }

    [Fact]
    public async Task Work_that_outlasts_the_visibility_timeout_keeps_its_message_invisible_so_it_is_handled_once()
    {
        var url = await CreateQueueAsync();
        await SendAsync(url, 1);
        var deliveries = 0;

        // Renewed at half of 2 s: without it, the second free slot would receive the message again after 2 s.
        Start(url, Settings(concurrency: 2, visibility: 2), async (_, token) =>
        {
            Interlocked.Increment(ref deliveries);
            await Task.Delay(TimeSpan.FromSeconds(5), token);
        });

        await Eventually.Until(async () => await CountsAsync(url) == (0, 0), s_timeout, "the message handled and deleted");
        Assert.Equal(1, deliveries);
    }

    [Fact]
    public async Task A_failure_brings_the_message_back_after_a_short_backoff_not_the_whole_visibility_timeout()
    {
        var url = await CreateQueueAsync();
        await SendAsync(url, 1);
        var receives = new ConcurrentQueue<(int Count, long At)>();

        Start(url, Settings(concurrency: 1, visibility: 60), (message, _) =>
        {
            receives.Enqueue((message.ReceiveCount, Stopwatch.GetTimestamp()));
            return message.ReceiveCount == 1 ? throw new InvalidOperationException("a passing fault") : Task.CompletedTask;
        });

        await Eventually.Until(() => receives.Count == 2, s_timeout, "the message back after its failure");
        var (first, second) = (receives.ElementAt(0), receives.ElementAt(1));
        Assert.Equal((1, 2), (first.Count, second.Count));
        var gap = Stopwatch.GetElapsedTime(first.At, second.At);
        Assert.InRange(gap.TotalSeconds, DeadLetterRule.BackoffSeconds(1, 60) - 0.5, 30);
        await Eventually.Until(async () => await CountsAsync(url) == (0, 0), s_timeout, "the message handled and deleted");
    }

    [Fact]
    public async Task A_message_that_fails_every_time_is_dead_lettered_with_its_cause_on_the_last_receive()
    {
        var (url, deadLetters) = await CreateQueueWithDeadLettersAsync(maxReceiveCount: 3);
        await SendAsync(url, 1);
        var seen = new ConcurrentQueue<(int Count, bool Last)>();

        Start(url, Settings(concurrency: 1, visibility: 30), (message, _) =>
        {
            seen.Enqueue((message.ReceiveCount, message.IsLastReceive));
            throw new InvalidOperationException($"broken on receive {message.ReceiveCount}");
        });

        var letter = await ReceiveOneAsync(deadLetters);
        Assert.Equal("message 0", letter.Body);
        Assert.Equal("broken on receive 3", letter.MessageAttributes[DeadLetterRule.ErrorMessageAttribute].StringValue);
        Assert.Equal(nameof(InvalidOperationException), letter.MessageAttributes[DeadLetterRule.ErrorTypeAttribute].StringValue);
        Assert.Equal("tests", letter.MessageAttributes[DeadLetterRule.SourceAttribute].StringValue);
        Assert.Equal("kept", letter.MessageAttributes["Trace"].StringValue);
        Assert.Equal([(1, false), (2, false), (3, true)], seen);
        await Eventually.Until(async () => await CountsAsync(url) == (0, 0), s_timeout, "the message deleted from its queue");
    }

    [Fact]
    public async Task Refused_input_is_dead_lettered_at_once()
    {
        var (url, deadLetters) = await CreateQueueWithDeadLettersAsync(maxReceiveCount: 3);
        await SendAsync(url, 1);

        Start(url, Settings(concurrency: 1, visibility: 30), (_, _) => throw new InputRejectedException("not a request"));

        var letter = await ReceiveOneAsync(deadLetters);
        Assert.Equal("not a request", letter.MessageAttributes[DeadLetterRule.ErrorMessageAttribute].StringValue);
        Assert.Equal(nameof(InputRejectedException), letter.MessageAttributes[DeadLetterRule.ErrorTypeAttribute].StringValue);
        await Eventually.Until(async () => await CountsAsync(url) == (0, 0), s_timeout, "the message deleted from its queue");
    }

    [Fact]
    public async Task Stopping_lets_the_work_in_flight_finish_and_takes_no_more()
    {
        var url = await CreateQueueAsync();
        await SendAsync(url, 3);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (started, finished) = (0, 0);

        Start(url, Settings(concurrency: 1, visibility: 30), async (_, _) =>
        {
            Interlocked.Increment(ref started);
            await gate.Task;
            Interlocked.Increment(ref finished);
        });
        await Eventually.Until(() => Volatile.Read(ref started) == 1, s_timeout, "one message at work");
        await _stopReceiving.CancelAsync();
        gate.SetResult();
        await _running.WaitAsync(s_timeout, _ct);

        Assert.Equal((1, 1), (started, finished));
        Assert.Equal((2, 0), await CountsAsync(url));
    }

    [Fact]
    public async Task Work_abandoned_at_shutdown_is_handed_back_at_once_for_another_consumer()
    {
        var url = await CreateQueueAsync();
        await SendAsync(url, 2);
        var started = 0;

        Start(url, Settings(concurrency: 2, visibility: 60), async (_, token) =>
        {
            Interlocked.Increment(ref started);
            await Task.Delay(Timeout.Infinite, token);
        });
        await Eventually.Until(() => Volatile.Read(ref started) == 2, s_timeout, "both messages at work");
        await _stopReceiving.CancelAsync();
        await _abandon.CancelAsync();
        await _running.WaitAsync(s_timeout, _ct);

        // Visible again now, not after the 60-s visibility timeout.
        Assert.Equal((2, 0), await CountsAsync(url));
        var again = await cloud.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest(url) { MaxNumberOfMessages = 10, WaitTimeSeconds = 1 }, _ct);
        Assert.Equal(2, again.Messages?.Count);
    }

    [Fact]
    public async Task A_handler_that_crashes_loses_nothing_the_message_is_handled_on_its_next_receive()
    {
        var (url, deadLetters) = await CreateQueueWithDeadLettersAsync(maxReceiveCount: 3);
        await SendAsync(url, 1);
        var handled = new ConcurrentQueue<string>();

        Start(url, Settings(concurrency: 1, visibility: 30), (message, _) =>
        {
            if (message.ReceiveCount == 1)
            {
                // A bug, not a refusal: the consumer cannot tell it from any other failure.
                throw new NullReferenceException("a bug in the handler");
            }
            handled.Enqueue(message.Message.Body);
            return Task.CompletedTask;
        });

        await Eventually.Until(() => !handled.IsEmpty, s_timeout, "the message handled after the crash");
        await Eventually.Until(async () => await CountsAsync(url) == (0, 0), s_timeout, "the message deleted");
        Assert.Equal(["message 0"], handled);
        Assert.Equal((0, 0), await CountsAsync(deadLetters));
    }

    [Fact]
    public async Task A_queue_that_disappears_is_created_again_when_the_consumer_is_told_how_and_its_messages_are_then_taken()
    {
        var url = await CreateQueueAsync();
        var handled = 0;
        var settings = Settings(concurrency: 1, visibility: 30) with { WhenQueueIsMissing = async token => (await cloud.Sqs.CreateQueueAsync(_queue, token)).QueueUrl };

        Start(url, settings, (_, _) =>
        {
            Interlocked.Increment(ref handled);
            return Task.CompletedTask;
        });
        await cloud.Sqs.DeleteQueueAsync(url, _ct);
        await Eventually.Until(async () => await cloud.QueueExistsAsync(_queue, _ct), s_timeout, "the queue created again");
        await SendAsync(url, 1);

        await Eventually.Until(() => Volatile.Read(ref handled) == 1, s_timeout, "the message sent to the new queue handled");
    }

    public async ValueTask DisposeAsync()
    {
        await _stopReceiving.CancelAsync();
        await _abandon.CancelAsync();
        await _running;
        _stopReceiving.Dispose();
        _abandon.Dispose();
    }

    private QueueConsumerSettings Settings(int concurrency, int visibility) =>
        new(_queue, "tests", concurrency, visibility) { WaitTimeSeconds = 1 };

    private void Start(string url, QueueConsumerSettings settings, MessageHandler handler)
    {
        var consumer = new QueueConsumer(cloud.Sqs, new SqsBatcher(cloud.Sqs), new DeadLetterRule(cloud.Sqs, NullLogger<DeadLetterRule>.Instance),
            NullLogger<QueueConsumer>.Instance);
        _running = Task.Run(() => consumer.RunAsync(url, settings, handler, _stopReceiving.Token, _abandon.Token), _ct);
    }

    private async Task<string> CreateQueueAsync() => (await cloud.Sqs.CreateQueueAsync(_queue, _ct)).QueueUrl;

    private async Task<(string Url, string DeadLetters)> CreateQueueWithDeadLettersAsync(int maxReceiveCount)
    {
        var deadLetters = (await cloud.Sqs.CreateQueueAsync(_queue + "-dlq", _ct)).QueueUrl;
        var arn = (await cloud.Sqs.GetQueueAttributesAsync(deadLetters, ["QueueArn"], _ct)).QueueARN;
        var url = (await cloud.Sqs.CreateQueueAsync(new CreateQueueRequest(_queue)
        {
            Attributes = new Dictionary<string, string>
            {
                ["RedrivePolicy"] = $"{{\"deadLetterTargetArn\":\"{arn}\",\"maxReceiveCount\":\"{maxReceiveCount.ToString(CultureInfo.InvariantCulture)}\"}}",
            },
        }, _ct)).QueueUrl;
        return (url, deadLetters);
    }

    private async Task SendAsync(string url, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await cloud.Sqs.SendMessageAsync(new SendMessageRequest(url, $"message {i}")
            {
                MessageAttributes = new Dictionary<string, MessageAttributeValue> { ["Trace"] = new() { DataType = "String", StringValue = "kept" } },
            }, _ct);
        }
    }

    /// <summary>Messages waiting (visible) and received but not yet deleted (in flight).</summary>
    private async Task<(int Visible, int Received)> CountsAsync(string url)
    {
        var attributes = await cloud.Sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"], _ct);
        return (attributes.ApproximateNumberOfMessages, attributes.ApproximateNumberOfMessagesNotVisible);
    }

    private async Task<Message> ReceiveOneAsync(string url)
    {
        Message? message = null;
        await Eventually.Until(async () =>
        {
            var response = await cloud.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest(url) { WaitTimeSeconds = 1, MessageAttributeNames = ["All"] }, _ct);
            message = response.Messages?.SingleOrDefault();
            return message is not null;
        }, s_timeout, $"a message on {url}");
        return message!;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
