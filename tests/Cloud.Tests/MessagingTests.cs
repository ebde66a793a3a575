using System.Diagnostics;
using System.Text;
using Amazon.S3.Model;
using Amazon.SQS.Model;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Cloud.Storage;
using FaceRecognition.Tests.Support;

namespace FaceRecognition.Cloud.Tests;

public sealed class MessagingTests(EmulatorClients cloud) : IClassFixture<EmulatorClients>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public void A_request_round_trips_and_stays_far_under_the_queue_s_1_KB_limit()
    {
        var request = new RecognitionRequest(1, Guid.CreateVersion7().ToString("N"), "facerec-in-bucket",
            $"{new string('a', 128)}/{Guid.NewGuid():N}.webp", "facerec-resp-queue-0123456789ab", RecognitionMode.Model);

        var body = RecognitionMessages.Serialize(request);

        Assert.Equal(request, RecognitionMessages.ParseRequest(body));
        Assert.True(Encoding.UTF8.GetByteCount(body) < 512, $"{Encoding.UTF8.GetByteCount(body)} bytes: {body}");
    }

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("{\"v\":2,\"id\":\"a\",\"bucket\":\"b\",\"key\":\"k\",\"replyQueue\":\"q\",\"mode\":\"model\"}", "version 2")]
    [InlineData("{\"v\":1,\"id\":\"a\",\"bucket\":\"b\",\"key\":\"k\",\"replyQueue\":\"q\",\"mode\":\"guess\"}", "unknown mode")]
    [InlineData("{\"v\":1,\"id\":\"a\",\"bucket\":\"b\",\"replyQueue\":\"q\",\"mode\":\"model\"}", "lacks")]
    [InlineData("{\"v\":1,\"id\":\"a\",\"bucket\":\"b\",\"key\":\"k\",\"replyQueue\":\"q\",\"mode\":\"model\",\"name\":\"x\"}", "where its mode does not take one")]
    [InlineData("{\"v\":1,\"id\":\"a\",\"bucket\":\"b\",\"key\":\"k\",\"replyQueue\":\"q\",\"mode\":\"enroll\"}", "lacks one it needs")]
    [InlineData("{\"v\":1,\"id\":\"a\",\"bucket\":\"b\",\"key\":\"k\",\"replyQueue\":\"q\",\"mode\":\"verify\"}", "lacks one it needs")]
    [InlineData("{\"v\":1,\"id\":\"a\",\"bucket\":\"b\",\"key\":\"k\",\"replyQueue\":\"q\",\"mode\":\"verify\",\"name\":\"x\",\"secondKey\":\"k2\"}", "where its mode does not take one")]
    [InlineData("{\"v\":1,\"id\":\"a\",\"bucket\":\"b\",\"key\":\"k\",\"replyQueue\":\"q\",\"mode\":\"model\",\"secondKey\":\"k2\"}", "where its mode does not take one")]
    [InlineData("{\"v\":1,\"id\":\"a\",\"bucket\":\"b\",\"key\":\"k\",\"replyQueue\":\"q\",\"mode\":\"model\",\"faceId\":\"0123456789abcdef\"}", "where its mode does not take one")]
    [InlineData("{\"v\":1,\"id\":\"a\",\"bucket\":\"b\",\"key\":\"k\",\"replyQueue\":\"q\",\"mode\":\"model\",\"threshold\":-1}", "Threshold -1 is out of range")]
    [InlineData("{\"v\":1,\"id\":\"a\",\"bucket\":\"b\",\"key\":\"k\",\"replyQueue\":\"q\",\"mode\":\"model\",\"threshold\":\"NaN\"}", "not valid JSON")]
    [InlineData("{\"v\":1,\"id\":\"a\",\"bucket\":\"b\",\"key\":\"k\",\"replyQueue\":\"q\",\"mode\":\"detect\",\"maxFaces\":0}", "MaxFaces must be 1 to 100")]
    [InlineData("{\"v\":1,\"id\":\"a\",\"bucket\":\"b\",\"key\":\"k\",\"replyQueue\":\"q\",\"mode\":\"detect\",\"draw\":\"gif\"}", "Draw png or jpeg")]
    [InlineData("[1,2,3]", "not valid JSON")]
    public void Malformed_requests_are_refused_with_the_reason(string body, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => RecognitionMessages.ParseRequest(body));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trace_context_travels_in_message_attributes()
    {
        using var listener = RecordMessagingSpans();
        using var producer = MessageTracing.Source.StartActivity("send", ActivityKind.Producer)!;
        var attributes = new Dictionary<string, MessageAttributeValue>();

        MessageTracing.Inject(producer, attributes);
        var context = MessageTracing.Extract(new Message { MessageAttributes = attributes });

        Assert.Equal(producer.TraceId, context.TraceId);
        Assert.Equal(producer.SpanId, context.SpanId);
        Assert.Equal(default, MessageTracing.Extract(new Message { MessageAttributes = [] }));
    }

    [Fact]
    public void Send_and_process_spans_follow_the_messaging_semantic_conventions_and_join_one_trace()
    {
        using var listener = RecordMessagingSpans();
        var attributes = new Dictionary<string, MessageAttributeValue>();

        using var send = MessageTracing.StartSend("facerec-req-queue", conversationId: "request-1")!;
        MessageTracing.Inject(send, attributes);
        send.Stop();
        using var process = MessageTracing.StartProcess("facerec-req-queue", new Message { MessageId = "m-1", MessageAttributes = attributes })!;

        Assert.Equal(("send facerec-req-queue", ActivityKind.Producer), (send.DisplayName, send.Kind));
        Assert.Equal(("process facerec-req-queue", ActivityKind.Consumer), (process.DisplayName, process.Kind));
        Assert.Equal((send.TraceId, send.SpanId), (process.TraceId, process.ParentSpanId));
        foreach (var (span, operation) in new[] { (send, "send"), (process, "process") })
        {
            Assert.Equal("aws_sqs", span.GetTagItem("messaging.system"));
            Assert.Equal(operation, span.GetTagItem("messaging.operation.name"));
            Assert.Equal(operation, span.GetTagItem("messaging.operation.type"));
            Assert.Equal("facerec-req-queue", span.GetTagItem("messaging.destination.name"));
        }
        Assert.Equal("request-1", send.GetTagItem("messaging.message.conversation_id"));
        Assert.Equal("m-1", process.GetTagItem("messaging.message.id"));
    }

    [Fact]
    public async Task A_message_being_worked_on_stays_invisible_past_its_timeout_and_returns_once_released()
    {
        var queue = (await cloud.Sqs.CreateQueueAsync(new CreateQueueRequest($"visibility-{Guid.NewGuid():N}")
        {
            Attributes = new() { ["VisibilityTimeout"] = "2" },
        }, _ct)).QueueUrl;
        await cloud.Sqs.SendMessageAsync(queue, "work", _ct);
        var message = Assert.Single((await cloud.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest(queue) { WaitTimeSeconds = 5 }, _ct)).Messages);

        using (VisibilityExtender.Start(cloud.Sqs, queue, message.ReceiptHandle, 2, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance))
        {
            // Three timeouts long: without renewals the message would be delivered again within the first 2 s.
            var during = await cloud.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest(queue) { WaitTimeSeconds = 6 }, _ct);
            Assert.Empty(during.Messages ?? []);
        }

        var again = await cloud.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest(queue)
        {
            WaitTimeSeconds = 10,
            MessageSystemAttributeNames = ["ApproximateReceiveCount"],
        }, _ct);
        Assert.Equal("2", Assert.Single(again.Messages).Attributes["ApproximateReceiveCount"]);
    }

    [Fact]
    public async Task The_batcher_delivers_every_send_and_delete_once_in_batch_calls()
    {
        var queue = (await cloud.Sqs.CreateQueueAsync($"batch-{Guid.NewGuid():N}", _ct)).QueueUrl;
        await using var batcher = new SqsBatcher(cloud.Sqs);

        await Task.WhenAll(Enumerable.Range(0, 95).Select(i => batcher.SendAsync(queue, $"m{i}", null, _ct)));
        var received = new List<Message>();
        while (received.Count < 95)
        {
            var batch = await cloud.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest(queue) { MaxNumberOfMessages = 10, WaitTimeSeconds = 1 }, _ct);
            Assert.NotEmpty(batch.Messages ?? []);
            received.AddRange(batch.Messages!);
        }
        await Task.WhenAll(received.Select(m => batcher.DeleteAsync(queue, m.ReceiptHandle, _ct)));

        Assert.Equal(Enumerable.Range(0, 95).Select(i => $"m{i}").Order(), received.Select(m => m.Body).Order());
        var left = await cloud.Sqs.GetQueueAttributesAsync(queue, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"], _ct);
        Assert.Equal(0, left.ApproximateNumberOfMessages + left.ApproximateNumberOfMessagesNotVisible);
    }

    [Fact]
    public async Task The_batcher_reports_a_failed_entry_to_its_own_caller()
    {
        var queue = (await cloud.Sqs.CreateQueueAsync(new CreateQueueRequest($"small-{Guid.NewGuid():N}")
        {
            Attributes = new Dictionary<string, string> { ["MaximumMessageSize"] = "1024" },
        }, _ct)).QueueUrl;
        await using var batcher = new SqsBatcher(cloud.Sqs);

        var good = batcher.SendAsync(queue, "fits", null, _ct);
        var tooLarge = batcher.SendAsync(queue, new string('x', 2000), null, _ct);

        await good;
        await Assert.ThrowsAnyAsync<Exception>(() => tooLarge);
    }

    [Fact]
    public async Task Concurrent_read_modify_writes_of_one_object_lose_no_update()
    {
        var bucket = $"updates-{Guid.NewGuid():N}"[..30];
        await cloud.S3.PutBucketAsync(bucket, _ct);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => ObjectUpdater.UpdateAsync(cloud.S3, bucket, "list", current =>
            Encoding.UTF8.GetBytes((current is null ? "" : Encoding.UTF8.GetString(current)) + $"{i};"), _ct, attempts: 100), _ct)));

        var (bytes, _) = await ObjectUpdater.ReadAsync(cloud.S3, bucket, "list", _ct);
        var entries = Encoding.UTF8.GetString(bytes!).Split(';', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), entries.Order());
    }

    /// <summary>Makes the messaging source record its spans for as long as the listener lives.</summary>
    private static ActivityListener RecordMessagingSpans()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == MessageTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
