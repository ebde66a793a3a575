using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using Amazon.SQS.Model;
using FaceRecognition.Emulator.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

public sealed class S3NotificationTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private async Task<(string Bucket, string QueueUrl, string QueueArn)> BucketAndQueue()
    {
        var bucket = Names.Unique("events");
        await emulator.S3.PutBucketAsync(bucket, _ct);
        var queueUrl = (await emulator.Sqs.CreateQueueAsync(Names.Unique("events"), _ct)).QueueUrl;
        var arn = (await emulator.Sqs.GetQueueAttributesAsync(queueUrl, ["QueueArn"], _ct)).QueueARN;
        return (bucket, queueUrl, arn);
    }

    private Task Configure(string bucket, params QueueConfiguration[] queues) =>
        emulator.S3.PutBucketNotificationAsync(new PutBucketNotificationRequest { BucketName = bucket, QueueConfigurations = [.. queues] }, _ct);

    private static QueueConfiguration Queue(string arn, string id, string[] events, string? prefix = null, string? suffix = null)
    {
        var rules = new List<FilterRule>();
        if (prefix is not null) rules.Add(new FilterRule("prefix", prefix));
        if (suffix is not null) rules.Add(new FilterRule("suffix", suffix));
        return new QueueConfiguration
        {
            Id = id,
            Queue = arn,
            Events = events.Select(e => new EventType(e)).ToList(),
            Filter = rules.Count == 0 ? null : new Filter { S3KeyFilter = new S3KeyFilter { FilterRules = rules } },
        };
    }

    /// <summary>Drains the queue (deleting what it reads) until it has been empty for one short long-poll.</summary>
    private async Task<List<JsonElement>> Drain(string queueUrl)
    {
        var bodies = new List<JsonElement>();
        while (true)
        {
            var received = await emulator.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 }, _ct);
            if (received.Messages is not { Count: > 0 }) return bodies;
            foreach (var message in received.Messages)
            {
                bodies.Add(JsonDocument.Parse(message.Body).RootElement.Clone());
                await emulator.Sqs.DeleteMessageAsync(queueUrl, message.ReceiptHandle, _ct);
            }
        }
    }

    private static (string EventName, string Key) Describe(JsonElement body)
    {
        var record = body.GetProperty("Records")[0];
        return (record.GetProperty("eventName").GetString()!, record.GetProperty("s3").GetProperty("object").GetProperty("key").GetString()!);
    }

    [Fact]
    public async Task SettingAConfigurationSendsATestEventAndReadsBack()
    {
        var (bucket, queueUrl, arn) = await BucketAndQueue();
        await Configure(bucket, Queue(arn, "videos", ["s3:ObjectCreated:*"], prefix: "uploads/", suffix: ".mp4"));

        var events = await Drain(queueUrl);
        var test = Assert.Single(events);
        Assert.Equal("s3:TestEvent", test.GetProperty("Event").GetString());
        Assert.Equal(bucket, test.GetProperty("Bucket").GetString());

        var configuration = await emulator.S3.GetBucketNotificationAsync(bucket, _ct);
        var queue = Assert.Single(configuration.QueueConfigurations);
        Assert.Equal("videos", queue.Id);
        Assert.Equal(arn, queue.Queue);
        Assert.Equal(["s3:ObjectCreated:*"], queue.Events.Select(e => e.Value));
        Assert.Equal(["prefix=uploads/", "suffix=.mp4"], queue.Filter.S3KeyFilter.FilterRules.Select(r => $"{r.Name}={r.Value}").Order());
    }

    [Fact]
    public async Task ObjectCreatedEventsFollowPrefixAndSuffixFilters()
    {
        var (bucket, queueUrl, arn) = await BucketAndQueue();
        await Configure(bucket, Queue(arn, "videos", ["s3:ObjectCreated:*"], prefix: "uploads/", suffix: ".mp4"));
        await Drain(queueUrl);

        foreach (var key in new[] { "uploads/test_00.mp4", "uploads/notes.txt", "other/test_01.mp4", "uploads/sub dir/test 02.mp4" })
        {
            await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "video" }, _ct);
        }

        var events = (await Drain(queueUrl)).Select(Describe).ToList();
        Assert.Equal([("ObjectCreated:Put", "uploads/test_00.mp4"), ("ObjectCreated:Put", "uploads/sub+dir/test+02.mp4")], events);
    }

    [Fact]
    public async Task EventsCarryTheStandardS3RecordFields()
    {
        var (bucket, queueUrl, arn) = await BucketAndQueue();
        await Configure(bucket, Queue(arn, "all", ["s3:ObjectCreated:Put"]));
        await Drain(queueUrl);
        var put = await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a.jpg", ContentBody = "12345" }, _ct);

        var record = Assert.Single(await Drain(queueUrl)).GetProperty("Records")[0];
        Assert.Equal("2.1", record.GetProperty("eventVersion").GetString());
        Assert.Equal("aws:s3", record.GetProperty("eventSource").GetString());
        Assert.Equal("us-east-1", record.GetProperty("awsRegion").GetString());
        Assert.True(DateTimeOffset.TryParse(record.GetProperty("eventTime").GetString(), out _));
        var s3 = record.GetProperty("s3");
        Assert.Equal("all", s3.GetProperty("configurationId").GetString());
        Assert.Equal(bucket, s3.GetProperty("bucket").GetProperty("name").GetString());
        Assert.Equal($"arn:aws:s3:::{bucket}", s3.GetProperty("bucket").GetProperty("arn").GetString());
        var obj = s3.GetProperty("object");
        Assert.Equal(5, obj.GetProperty("size").GetInt64());
        Assert.Equal(put.ETag.Trim('"'), obj.GetProperty("eTag").GetString());
        Assert.False(string.IsNullOrEmpty(obj.GetProperty("sequencer").GetString()));
    }

    [Fact]
    public async Task CopyMultipartAndDeleteEachRaiseTheirOwnEvent()
    {
        var (bucket, queueUrl, arn) = await BucketAndQueue();
        await Configure(bucket, Queue(arn, "created", ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]));
        await Drain(queueUrl);

        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", ContentBody = "x" }, _ct);
        await emulator.S3.CopyObjectAsync(bucket, "src", bucket, "copy", _ct);
        using (var transfer = new TransferUtility(emulator.S3))
        {
            await transfer.UploadAsync(new MemoryStream(new byte[17 * 1024 * 1024]), bucket, "multi", _ct);
        }
        await emulator.S3.DeleteObjectAsync(bucket, "src", _ct);

        var events = (await Drain(queueUrl)).Select(Describe).ToList();
        Assert.Equal(
            [("ObjectCreated:Put", "src"), ("ObjectCreated:Copy", "copy"), ("ObjectCreated:CompleteMultipartUpload", "multi"), ("ObjectRemoved:Delete", "src")],
            events);
    }

    [Fact]
    public async Task AConfigurationNamingAMissingQueueIsRefused()
    {
        var (bucket, _, _) = await BucketAndQueue();
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            Configure(bucket, Queue("arn:aws:sqs:us-east-1:000000000000:no-such-queue", "x", ["s3:ObjectCreated:*"])));
        Assert.Equal("InvalidArgument", error.ErrorCode);
        Assert.Empty((await emulator.S3.GetBucketNotificationAsync(bucket, _ct)).QueueConfigurations ?? []);
    }

    [Fact]
    public async Task OverlappingConfigurationsAreRefused()
    {
        var (bucket, _, arn) = await BucketAndQueue();
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => Configure(bucket,
            Queue(arn, "a", ["s3:ObjectCreated:*"], prefix: "uploads/"),
            Queue(arn, "b", ["s3:ObjectCreated:Put"], prefix: "uploads/videos/")));
        Assert.Equal("InvalidArgument", error.ErrorCode);
        Assert.Contains("overlap", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task DisjointFiltersOnOneBucketDeliverToTheirOwnQueues()
    {
        var (bucket, videos, videosArn) = await BucketAndQueue();
        var frames = (await emulator.Sqs.CreateQueueAsync(Names.Unique("frames"), _ct)).QueueUrl;
        var framesArn = (await emulator.Sqs.GetQueueAttributesAsync(frames, ["QueueArn"], _ct)).QueueARN;
        await Configure(bucket, Queue(videosArn, "v", ["s3:ObjectCreated:*"], suffix: ".mp4"), Queue(framesArn, "f", ["s3:ObjectCreated:*"], suffix: ".jpg"));
        await Drain(videos);
        await Drain(frames);

        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a.mp4", ContentBody = "v" }, _ct);
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a.jpg", ContentBody = "f" }, _ct);

        Assert.Equal(["a.mp4"], (await Drain(videos)).Select(e => Describe(e).Key));
        Assert.Equal(["a.jpg"], (await Drain(frames)).Select(e => Describe(e).Key));
    }
}
