using System.Diagnostics;
using Amazon.SQS;
using Amazon.SQS.Model;
using FaceRecognition.Emulator.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

public sealed class SqsMessageTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private async Task<string> NewQueue(Dictionary<string, string>? attributes = null) =>
        (await emulator.Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = Names.Unique("messages"), Attributes = attributes ?? [] }, _ct)).QueueUrl;

    private Task<ReceiveMessageResponse> Receive(string url, int max = 10, int wait = 0, int? visibility = null) =>
        emulator.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = url,
            MaxNumberOfMessages = max,
            WaitTimeSeconds = wait,
            VisibilityTimeout = visibility,
            MessageAttributeNames = ["All"],
            MessageSystemAttributeNames = ["All"],
        }, _ct);

    [Fact]
    public async Task MessagesRoundTripWithAttributesAndTheMd5sTheSdkChecks()
    {
        var url = await NewQueue();
        var body = "{\"quote\":\"\u00f6 \\\" \u65e5\u672c \U0001F600\"}";
        var sent = await emulator.Sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = url,
            MessageBody = body,
            MessageAttributes = new Dictionary<string, MessageAttributeValue>
            {
                ["traceparent"] = new() { DataType = "String", StringValue = "00-abc-def-01" },
                ["attempt"] = new() { DataType = "Number", StringValue = "42" },
                ["blob"] = new() { DataType = "Binary", BinaryValue = new MemoryStream([1, 2, 3]) },
                ["custom"] = new() { DataType = "String.json", StringValue = "{}" },
            },
        }, _ct);

        var message = Assert.Single((await Receive(url)).Messages);
        Assert.Equal(sent.MessageId, message.MessageId);
        Assert.Equal(body, message.Body);
        Assert.Equal(sent.MD5OfMessageBody, message.MD5OfBody);
        Assert.Equal(sent.MD5OfMessageAttributes, message.MD5OfMessageAttributes);
        Assert.Equal("00-abc-def-01", message.MessageAttributes["traceparent"].StringValue);
        Assert.Equal("42", message.MessageAttributes["attempt"].StringValue);
        Assert.Equal([1, 2, 3], message.MessageAttributes["blob"].BinaryValue.ToArray());
        Assert.Equal("1", message.Attributes["ApproximateReceiveCount"]);
        Assert.True(long.Parse(message.Attributes["SentTimestamp"], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal(EmulatorFixture.AccessKey, message.Attributes["SenderId"]);
    }

    [Fact]
    public async Task OnlyTheRequestedMessageAttributesComeBack()
    {
        var url = await NewQueue();
        await emulator.Sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = url,
            MessageBody = "x",
            MessageAttributes = new Dictionary<string, MessageAttributeValue>
            {
                ["trace.parent"] = new() { DataType = "String", StringValue = "a" },
                ["trace.state"] = new() { DataType = "String", StringValue = "b" },
                ["other"] = new() { DataType = "String", StringValue = "c" },
            },
        }, _ct);
        var received = await emulator.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MessageAttributeNames = ["trace.*"] }, _ct);
        var message = Assert.Single(received.Messages);
        Assert.Equal(["trace.parent", "trace.state"], message.MessageAttributes.Keys.Order());
    }

    [Fact]
    public async Task BatchSendReportsEachEntryAndDeliversTheGoodOnes()
    {
        var url = await NewQueue(new() { ["MaximumMessageSize"] = "1024" });
        var response = await emulator.Sqs.SendMessageBatchAsync(new SendMessageBatchRequest
        {
            QueueUrl = url,
            Entries =
            [
                new() { Id = "ok1", MessageBody = "one" },
                new() { Id = "tooBig", MessageBody = new string('x', 2000) },
                new() { Id = "ok2", MessageBody = "two" },
            ],
        }, _ct);
        Assert.Equal(["ok1", "ok2"], response.Successful.Select(s => s.Id).Order());
        var failure = Assert.Single(response.Failed);
        Assert.Equal("tooBig", failure.Id);
        Assert.True(failure.SenderFault);

        var bodies = new List<string>();
        while ((await Receive(url)).Messages is { Count: > 0 } messages) bodies.AddRange(messages.Select(m => m.Body));
        Assert.Equal(["one", "two"], bodies.Order());
    }

    [Fact]
    public async Task BatchRulesAreEnforced()
    {
        var url = await NewQueue();
        await Assert.ThrowsAsync<TooManyEntriesInBatchRequestException>(() => emulator.Sqs.SendMessageBatchAsync(new SendMessageBatchRequest
        {
            QueueUrl = url,
            Entries = Enumerable.Range(0, 11).Select(i => new SendMessageBatchRequestEntry($"e{i}", "x")).ToList(),
        }, _ct));
        await Assert.ThrowsAsync<BatchEntryIdsNotDistinctException>(() => emulator.Sqs.SendMessageBatchAsync(new SendMessageBatchRequest
        {
            QueueUrl = url,
            Entries = [new("same", "a"), new("same", "b")],
        }, _ct));
        await Assert.ThrowsAnyAsync<AmazonSQSException>(() => emulator.Sqs.SendMessageBatchAsync(new SendMessageBatchRequest { QueueUrl = url, Entries = [] }, _ct));
    }

    [Fact]
    public async Task ALongPollIsWokenBySendNotByItsTimeout()
    {
        var url = await NewQueue();
        var watch = Stopwatch.StartNew();
        var receive = Receive(url, wait: 20);
        await Task.Delay(300, _ct);
        Assert.False(receive.IsCompleted);
        await emulator.Sqs.SendMessageAsync(url, "wake up", _ct);

        var message = Assert.Single((await receive.WaitAsync(TimeSpan.FromSeconds(15), _ct)).Messages);
        Assert.Equal("wake up", message.Body);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"the receive took {watch.Elapsed}, as if it waited for its timeout");
    }

    [Fact]
    public async Task AnEmptyShortPollAnswersAtOnceWithNoMessages()
    {
        var url = await NewQueue();
        var response = await Receive(url, wait: 0);
        Assert.Empty(response.Messages ?? []);
    }

    [Fact]
    public async Task AnUndeletedMessageReturnsAfterItsVisibilityTimeout()
    {
        var url = await NewQueue();
        await emulator.Sqs.SendMessageAsync(url, "retry me", _ct);
        var first = Assert.Single((await Receive(url, visibility: 1)).Messages);
        Assert.Empty((await Receive(url)).Messages ?? []);

        // A long poll is woken when the message becomes visible again.
        var second = Assert.Single((await Receive(url, wait: 10)).Messages);
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal("2", second.Attributes["ApproximateReceiveCount"]);
        Assert.NotEqual(first.ReceiptHandle, second.ReceiptHandle);
        Assert.Equal(first.Attributes["ApproximateFirstReceiveTimestamp"], second.Attributes["ApproximateFirstReceiveTimestamp"]);
    }

    [Fact]
    public async Task OnlyTheLatestReceiptHandleDeletesTheMessage()
    {
        var url = await NewQueue();
        await emulator.Sqs.SendMessageAsync(url, "done", _ct);
        var earlier = Assert.Single((await Receive(url, visibility: 0)).Messages);
        var latest = Assert.Single((await Receive(url, visibility: 0)).Messages);

        // A handle from an earlier receive succeeds without deleting, as AWS documents.
        await emulator.Sqs.DeleteMessageAsync(url, earlier.ReceiptHandle, _ct);
        Assert.Equal(1, (await emulator.Sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages"], _ct)).ApproximateNumberOfMessages);

        await emulator.Sqs.DeleteMessageAsync(url, latest.ReceiptHandle, _ct);
        Assert.Empty((await Receive(url)).Messages ?? []);
        var counts = await emulator.Sqs.GetQueueAttributesAsync(url, ["All"], _ct);
        Assert.Equal(0, counts.ApproximateNumberOfMessages + counts.ApproximateNumberOfMessagesNotVisible);
    }

    [Fact]
    public async Task ChangingVisibilityToZeroMakesTheMessageReceivableAtOnce()
    {
        var url = await NewQueue();
        await emulator.Sqs.SendMessageAsync(url, "again", _ct);
        var first = Assert.Single((await Receive(url, visibility: 300)).Messages);
        await emulator.Sqs.ChangeMessageVisibilityAsync(url, first.ReceiptHandle, 0, _ct);
        var second = Assert.Single((await Receive(url)).Messages);
        Assert.Equal(first.MessageId, second.MessageId);

        var batch = await emulator.Sqs.ChangeMessageVisibilityBatchAsync(new ChangeMessageVisibilityBatchRequest
        {
            QueueUrl = url,
            Entries = [new("current", second.ReceiptHandle) { VisibilityTimeout = 120 }, new("bogus", "not-a-receipt-handle") { VisibilityTimeout = 1 }],
        }, _ct);
        Assert.Equal("current", Assert.Single(batch.Successful).Id);
        Assert.Equal("bogus", Assert.Single(batch.Failed).Id);
    }

    [Fact]
    public async Task AMessageReceivedTooOftenMovesToTheDeadLetterQueue()
    {
        var deadLetterUrl = await NewQueue();
        var deadLetterArn = (await emulator.Sqs.GetQueueAttributesAsync(deadLetterUrl, ["QueueArn"], _ct)).QueueARN;
        var url = await NewQueue(new()
        {
            ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{deadLetterArn}}","maxReceiveCount":"3"}""",
        });
        var sent = await emulator.Sqs.SendMessageAsync(url, "poison", _ct);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var message = Assert.Single((await Receive(url, visibility: 0)).Messages);
            Assert.Equal(attempt.ToString(System.Globalization.CultureInfo.InvariantCulture), message.Attributes["ApproximateReceiveCount"]);
        }
        Assert.Empty((await Receive(url, visibility: 0)).Messages ?? []);

        var dead = Assert.Single((await Receive(deadLetterUrl)).Messages);
        Assert.Equal(sent.MessageId, dead.MessageId);
        Assert.Equal("poison", dead.Body);
        var sources = await emulator.Sqs.ListDeadLetterSourceQueuesAsync(new ListDeadLetterSourceQueuesRequest { QueueUrl = deadLetterUrl }, _ct);
        Assert.Equal([url], sources.QueueUrls);
    }

    [Fact]
    public async Task DelayedMessagesStayHiddenUntilTheirDelayPasses()
    {
        var url = await NewQueue();
        await emulator.Sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = "delayed", DelaySeconds = 1 }, _ct);
        Assert.Empty((await Receive(url)).Messages ?? []);
        Assert.Equal("delayed", Assert.Single((await Receive(url, wait: 10)).Messages).Body);
    }

    [Fact]
    public async Task MessagesOlderThanTheRetentionPeriodAreDropped()
    {
        var url = await NewQueue(new() { ["MessageRetentionPeriod"] = "60" });
        await emulator.Sqs.SendMessageAsync(url, "short-lived", _ct);
        emulator.Clock.Advance(TimeSpan.FromSeconds(61));
        try
        {
            Assert.Empty((await Receive(url)).Messages ?? []);
            Assert.Equal(0, (await emulator.Sqs.GetQueueAttributesAsync(url, ["All"], _ct)).ApproximateNumberOfMessages);
        }
        finally
        {
            emulator.Clock.Advance(TimeSpan.FromSeconds(-61));
        }
    }

    [Fact]
    public async Task BodiesThatBreakSqsRulesAreRefused()
    {
        var url = await NewQueue(new() { ["MaximumMessageSize"] = "1024" });
        var tooLarge = await Assert.ThrowsAnyAsync<AmazonSQSException>(() => emulator.Sqs.SendMessageAsync(url, new string('x', 1025), _ct));
        Assert.Contains("shorter than 1024", tooLarge.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<AmazonSQSException>(() => emulator.Sqs.SendMessageAsync(url, "bad \u0001 control", _ct));
        await Assert.ThrowsAnyAsync<AmazonSQSException>(() => emulator.Sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = url,
            MessageBody = "x",
            MessageAttributes = new Dictionary<string, MessageAttributeValue> { ["n"] = new() { DataType = "Number", StringValue = "not a number" } },
        }, _ct));
        Assert.Empty((await Receive(url)).Messages ?? []);
    }

    [Fact]
    public async Task DeleteBatchReportsUnknownHandles()
    {
        var url = await NewQueue();
        await emulator.Sqs.SendMessageAsync(url, "a", _ct);
        var message = Assert.Single((await Receive(url)).Messages);
        var response = await emulator.Sqs.DeleteMessageBatchAsync(new DeleteMessageBatchRequest
        {
            QueueUrl = url,
            Entries = [new("good", message.ReceiptHandle), new("bad", "garbage")],
        }, _ct);
        Assert.Equal("good", Assert.Single(response.Successful).Id);
        Assert.Equal("ReceiptHandleIsInvalid", Assert.Single(response.Failed).Code);
    }
}
