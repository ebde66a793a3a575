using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceRecognition.Cloud.Tests;

public sealed class TopologyProvisionerTests : IAsyncLifetime
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly EmulatorClients _cloud = new();
    private AmazonS3Client _s3 = null!;
    private AmazonSQSClient _sqs = null!;

    public async ValueTask InitializeAsync()
    {
        await _cloud.InitializeAsync();
        (_s3, _sqs) = (_cloud.S3, _cloud.Sqs);
    }

    public ValueTask DisposeAsync() => _cloud.DisposeAsync();

    private Task Provision(CloudTopology topology) => new TopologyProvisioner(_s3, _sqs, NullLogger.Instance).ProvisionAsync(topology, functions: null, _ct);

    [Fact]
    public async Task CreatesEveryBucketQueueAndNotificationAndCanRunAgain()
    {
        var names = new TopologyNames("prov");
        var topology = SystemTopology.For(names);
        await Provision(topology);
        await Provision(topology);

        var buckets = (await _s3.ListBucketsAsync(_ct)).Buckets.Select(b => b.BucketName).ToHashSet();
        Assert.All(topology.Buckets, b => Assert.Contains(b.Name, buckets));
        foreach (var queue in topology.Queues)
        {
            var url = (await _sqs.GetQueueUrlAsync(queue.Name, _ct)).QueueUrl;
            var attributes = (await _sqs.GetQueueAttributesAsync(url, ["All"], _ct)).Attributes;
            foreach (var (name, value) in queue.Attributes) Assert.Equal(value, attributes[name]);
            if (queue.DeadLetter is { } deadLetter)
            {
                Assert.Contains($":{deadLetter.QueueName}\"", attributes["RedrivePolicy"], StringComparison.Ordinal);
            }
        }
        var notifications = await _s3.GetBucketNotificationAsync(names.VideoInputBucket, _ct);
        Assert.Equal("video-split", Assert.Single(notifications.QueueConfigurations).Id);
    }

    [Fact]
    public async Task EachNotifiedQueueLetsS3SendOnlyItsOwnBucketsEvents()
    {
        var names = new TopologyNames("policies");
        var topology = SystemTopology.For(names);
        await Provision(topology);

        foreach (var queue in topology.Queues)
        {
            var url = (await _sqs.GetQueueUrlAsync(queue.Name, _ct)).QueueUrl;
            var attributes = (await _sqs.GetQueueAttributesAsync(url, ["Policy", "QueueArn"], _ct)).Attributes;
            var notifying = topology.Notifications.Where(n => n.Queue == queue.Name).Select(n => n.Bucket).Distinct().ToList();
            if (notifying.Count == 0)
            {
                Assert.False(attributes.ContainsKey("Policy"), $"{queue.Name} receives no notification, so it needs no policy");
                continue;
            }
            using var policy = System.Text.Json.JsonDocument.Parse(attributes["Policy"]);
            var statements = policy.RootElement.GetProperty("Statement").EnumerateArray().ToList();
            Assert.Equal(notifying.Count, statements.Count);
            foreach (var (statement, bucket) in statements.Zip(notifying))
            {
                Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
                Assert.Equal("s3.amazonaws.com", statement.GetProperty("Principal").GetProperty("Service").GetString());
                Assert.Equal("sqs:SendMessage", Assert.Single(statement.GetProperty("Action").EnumerateArray().Select(a => a.GetString())));
                Assert.Equal(attributes["QueueArn"], Assert.Single(statement.GetProperty("Resource").EnumerateArray().Select(r => r.GetString())));
                var condition = statement.GetProperty("Condition");
                Assert.Equal($"arn:aws:s3:::{bucket}", condition.GetProperty("ArnEquals").GetProperty("aws:SourceArn").GetString());
                Assert.Equal(attributes["QueueArn"].Split(':')[4], condition.GetProperty("StringEquals").GetProperty("aws:SourceAccount").GetString());
            }
        }
    }

    [Fact]
    public void AQueuePolicyNeedsAQueueArn() =>
        Assert.Throws<ArgumentException>(() => QueuePolicy.Document("https://sqs.us-east-1.amazonaws.com/1/q", ["b"]));

    [Fact]
    public async Task ProvisionedNotificationsDeliverEvents()
    {
        var names = new TopologyNames("events");
        await Provision(SystemTopology.For(names));
        var queueUrl = (await _sqs.GetQueueUrlAsync(names.VideoSplitEventsQueue, _ct)).QueueUrl;
        await _sqs.PurgeQueueAsync(queueUrl, _ct);

        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = names.VideoInputBucket, Key = "test_00.mp4", ContentBody = "not really a video" }, _ct);
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = names.VideoInputBucket, Key = "notes.txt", ContentBody = "ignored" }, _ct);

        var received = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 5 }, _ct);
        var message = Assert.Single(received.Messages);
        Assert.Contains("\"key\":\"test_00.mp4\"", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AQueueThatDriftedFromTheDescriptionIsBroughtBack()
    {
        var topology = CloudTopology.Empty.WithQueue(new QueueSpec("drifted", new Dictionary<string, string> { ["VisibilityTimeout"] = "45" }));
        await _sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "drifted", Attributes = new() { ["VisibilityTimeout"] = "5" } }, _ct);

        await Provision(topology);

        var url = (await _sqs.GetQueueUrlAsync("drifted", _ct)).QueueUrl;
        Assert.Equal(45, (await _sqs.GetQueueAttributesAsync(url, ["VisibilityTimeout"], _ct)).VisibilityTimeout);
    }

    [Fact]
    public async Task ANotificationToAnUndeclaredQueueIsADescriptionError()
    {
        var topology = CloudTopology.Empty.WithBucket("described").WithNotification(new NotificationSpec("n", "described", "undeclared", ["s3:ObjectCreated:*"]));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Provision(topology));
        Assert.Contains("undeclared", error.Message, StringComparison.Ordinal);
    }

}
