using Amazon.SQS;
using Amazon.SQS.Model;
using FaceRecognition.Emulator.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

public sealed class SqsQueueTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_queue_name_serves_where_a_queue_url_is_expected_as_on_SQS()
    {
        var name = Names.Unique("byname");
        await emulator.Sqs.CreateQueueAsync(name, _ct);

        // The original course's grader passes names, not URLs, to GetQueueAttributes; SQS answers them.
        await emulator.Sqs.SendMessageAsync(name, "by name", _ct);
        var attributes = await emulator.Sqs.GetQueueAttributesAsync(name, ["ApproximateNumberOfMessages"], _ct);
        Assert.Equal(1, attributes.ApproximateNumberOfMessages);
        var received = await emulator.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = name, WaitTimeSeconds = 1 }, _ct);
        Assert.Equal("by name", Assert.Single(received.Messages).Body);

        // Only a valid queue name: anything else is still no queue.
        await Assert.ThrowsAsync<QueueDoesNotExistException>(() => emulator.Sqs.GetQueueAttributesAsync("no such queue!", ["All"], _ct));
        await Assert.ThrowsAsync<QueueDoesNotExistException>(() => emulator.Sqs.GetQueueAttributesAsync(Names.Unique("missing"), ["All"], _ct));
    }

    [Fact]
    public async Task CreateGetUrlListAndDelete()
    {
        var name = Names.Unique("queue");
        var created = await emulator.Sqs.CreateQueueAsync(name, _ct);
        Assert.Equal($"{emulator.ServiceUrl}/000000000000/{name}", created.QueueUrl);
        Assert.Equal(created.QueueUrl, (await emulator.Sqs.GetQueueUrlAsync(name, _ct)).QueueUrl);
        Assert.Contains(created.QueueUrl, (await emulator.Sqs.ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = name }, _ct)).QueueUrls);

        await emulator.Sqs.DeleteQueueAsync(created.QueueUrl, _ct);
        await Assert.ThrowsAsync<QueueDoesNotExistException>(() => emulator.Sqs.GetQueueUrlAsync(name, _ct));
        await Assert.ThrowsAsync<QueueDoesNotExistException>(() => emulator.Sqs.SendMessageAsync(created.QueueUrl, "x", _ct));
    }

    [Fact]
    public async Task CreatingAnExistingQueueReturnsItUnlessAttributesConflict()
    {
        var name = Names.Unique("queue");
        var attributes = new Dictionary<string, string> { ["VisibilityTimeout"] = "45" };
        var first = await emulator.Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = attributes }, _ct);
        var again = await emulator.Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = attributes }, _ct);
        Assert.Equal(first.QueueUrl, again.QueueUrl);

        var conflict = await Assert.ThrowsAnyAsync<AmazonSQSException>(() => emulator.Sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = name,
            Attributes = new Dictionary<string, string> { ["VisibilityTimeout"] = "10" },
        }, _ct));
        Assert.Contains("QueueAlreadyExists", conflict.ErrorCode, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListingPagesWithMaxResultsAndNextToken()
    {
        var prefix = Names.Unique("page");
        var names = Enumerable.Range(0, 5).Select(i => $"{prefix}-{i}").ToList();
        foreach (var name in names) await emulator.Sqs.CreateQueueAsync(name, _ct);

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await emulator.Sqs.ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = prefix, MaxResults = 2, NextToken = token }, _ct);
            seen.AddRange(page.QueueUrls.Select(u => u[(u.LastIndexOf('/') + 1)..]));
            token = page.NextToken;
        }
        while (token is not null);
        Assert.Equal(names, seen);
    }

    [Fact]
    public async Task AttributesAreStoredValidatedAndCounted()
    {
        var url = (await emulator.Sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = Names.Unique("attributes"),
            Attributes = new Dictionary<string, string> { ["VisibilityTimeout"] = "40", ["MaximumMessageSize"] = "1024", ["DelaySeconds"] = "0" },
        }, _ct)).QueueUrl;
        await emulator.Sqs.SendMessageAsync(url, "one", _ct);
        await emulator.Sqs.SendMessageAsync(url, "two", _ct);
        await emulator.Sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = "later", DelaySeconds = 600 }, _ct);
        await emulator.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MaxNumberOfMessages = 1 }, _ct);

        var all = await emulator.Sqs.GetQueueAttributesAsync(url, ["All"], _ct);
        Assert.Equal(40, all.VisibilityTimeout);
        Assert.Equal(1024, all.MaximumMessageSize);
        Assert.Equal(1, all.ApproximateNumberOfMessages);
        Assert.Equal(1, all.ApproximateNumberOfMessagesNotVisible);
        Assert.Equal(1, all.ApproximateNumberOfMessagesDelayed);
        Assert.EndsWith(":" + url[(url.LastIndexOf('/') + 1)..], all.QueueARN, StringComparison.Ordinal);

        await emulator.Sqs.SetQueueAttributesAsync(url, new Dictionary<string, string> { ["VisibilityTimeout"] = "5" }, _ct);
        Assert.Equal(5, (await emulator.Sqs.GetQueueAttributesAsync(url, ["VisibilityTimeout"], _ct)).VisibilityTimeout);

        var invalid = await Assert.ThrowsAnyAsync<AmazonSQSException>(() =>
            emulator.Sqs.SetQueueAttributesAsync(url, new Dictionary<string, string> { ["VisibilityTimeout"] = "99999" }, _ct));
        Assert.Contains("InvalidAttributeValue", invalid.ErrorCode, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAnyAsync<AmazonSQSException>(() =>
            emulator.Sqs.SetQueueAttributesAsync(url, new Dictionary<string, string> { ["NoSuchAttribute"] = "1" }, _ct));
        Assert.Contains("InvalidAttributeName", unknown.ErrorCode, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PurgeEmptiesTheQueue()
    {
        var url = (await emulator.Sqs.CreateQueueAsync(Names.Unique("purge"), _ct)).QueueUrl;
        for (var i = 0; i < 5; i++) await emulator.Sqs.SendMessageAsync(url, $"m{i}", _ct);
        await emulator.Sqs.PurgeQueueAsync(url, _ct);
        var attributes = await emulator.Sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages"], _ct);
        Assert.Equal(0, attributes.ApproximateNumberOfMessages);
        Assert.Empty((await emulator.Sqs.ReceiveMessageAsync(url, _ct)).Messages ?? []);
    }

    [Fact]
    public async Task FifoQueuesAreRefusedWithAClearReason()
    {
        var error = await Assert.ThrowsAnyAsync<AmazonSQSException>(() => emulator.Sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = Names.Unique("ordered") + ".fifo",
            Attributes = new Dictionary<string, string> { ["FifoQueue"] = "true" },
        }, _ct));
        Assert.Contains("FIFO", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("dots.not.allowed")]
    [InlineData("")]
    public async Task InvalidQueueNamesAreRefused(string name)
    {
        await Assert.ThrowsAnyAsync<AmazonSQSException>(() => emulator.Sqs.CreateQueueAsync(name, _ct));
    }

    [Fact]
    public async Task ARedrivePolicyMustNameAnExistingQueue()
    {
        var error = await Assert.ThrowsAnyAsync<AmazonSQSException>(() => emulator.Sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = Names.Unique("redrive"),
            Attributes = new Dictionary<string, string> { ["RedrivePolicy"] = """{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:absent","maxReceiveCount":"3"}""" },
        }, _ct));
        Assert.Contains("Dead letter target does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TagsAreSetListedAndRemoved()
    {
        var url = (await emulator.Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = Names.Unique("tags"), Tags = new Dictionary<string, string> { ["team"] = "vision" } }, _ct)).QueueUrl;
        await emulator.Sqs.TagQueueAsync(new TagQueueRequest { QueueUrl = url, Tags = new Dictionary<string, string> { ["tier"] = "app" } }, _ct);
        await emulator.Sqs.UntagQueueAsync(new UntagQueueRequest { QueueUrl = url, TagKeys = ["team"] }, _ct);
        var tags = await emulator.Sqs.ListQueueTagsAsync(new ListQueueTagsRequest { QueueUrl = url }, _ct);
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "app" }, tags.Tags);
    }
}
