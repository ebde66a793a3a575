using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS.Model;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>
/// The S3 and SQS operations the services rely on, written once and run on every available backend: what must hold
/// for the same service code to work on the emulator and on LocalStack (and so on AWS).
/// </summary>
public sealed class BackendOperationsTests(BackendEndpoints endpoints) : IClassFixture<BackendEndpoints>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _name = $"ops-{Guid.NewGuid():N}"[..20];

    [Theory]
    [MemberData(nameof(CloudBackends.All), MemberType = typeof(CloudBackends))]
    public async Task Objects_keep_their_metadata_and_a_conditional_create_does_not_overwrite(string backend)
    {
        var (s3, _) = await endpoints.ClientsAsync(backend);
        await s3.PutBucketAsync(_name, _ct);
        var put = new PutObjectRequest { BucketName = _name, Key = "frames/test_00.jpg", ContentBody = "frame", ContentType = "image/jpeg" };
        put.Metadata["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        put.Metadata["frame-count"] = "3";
        await s3.PutObjectAsync(put, _ct);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = _name, Key = "gallery.frg", ContentBody = "v1", IfNoneMatch = "*" }, _ct);

        var overwrite = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = _name, Key = "gallery.frg", ContentBody = "v2", IfNoneMatch = "*" }, _ct));
        using var frame = await s3.GetObjectAsync(_name, "frames/test_00.jpg", _ct);
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _name, Delimiter = "/" }, _ct);

        Assert.Equal(HttpStatusCode.PreconditionFailed, overwrite.StatusCode);
        Assert.Equal("image/jpeg", frame.Headers.ContentType);
        Assert.Equal("3", frame.Metadata["x-amz-meta-frame-count"]);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", frame.Metadata["x-amz-meta-traceparent"]);
        Assert.Equal(["gallery.frg"], (listing.S3Objects ?? []).Select(o => o.Key));
        Assert.Equal(["frames/"], listing.CommonPrefixes);
    }

    [Theory]
    [MemberData(nameof(CloudBackends.All), MemberType = typeof(CloudBackends))]
    public async Task A_multipart_upload_arrives_whole(string backend)
    {
        var (s3, _) = await endpoints.ClientsAsync(backend);
        await s3.PutBucketAsync(_name, _ct);
        var parts = new[] { new byte[5 * 1024 * 1024], new byte[1234] };
        Random.Shared.NextBytes(parts[0]);
        Random.Shared.NextBytes(parts[1]);

        var upload = await s3.InitiateMultipartUploadAsync(_name, "video.mp4", _ct);
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            var part = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = _name,
                Key = "video.mp4",
                UploadId = upload.UploadId,
                PartNumber = i + 1,
                InputStream = new MemoryStream(parts[i]),
            }, _ct);
            etags.Add(new PartETag(i + 1, part.ETag));
        }
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = _name, Key = "video.mp4", UploadId = upload.UploadId, PartETags = etags }, _ct);

        using var stored = await s3.GetObjectAsync(_name, "video.mp4", _ct);
        using var bytes = new MemoryStream();
        await stored.ResponseStream.CopyToAsync(bytes, _ct);
        Assert.Equal(parts[0].Concat(parts[1]), bytes.ToArray());
        Assert.EndsWith("-2\"", stored.ETag, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CloudBackends.All), MemberType = typeof(CloudBackends))]
    public async Task Messages_carry_attributes_count_their_receives_and_come_back_when_released(string backend)
    {
        var (_, sqs) = await endpoints.ClientsAsync(backend);
        var deadLetters = (await sqs.CreateQueueAsync(_name + "-dlq", _ct)).QueueUrl;
        var deadLetterArn = (await sqs.GetQueueAttributesAsync(deadLetters, ["QueueArn"], _ct)).QueueARN;
        var queue = (await sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = _name,
            Attributes = new()
            {
                ["MaximumMessageSize"] = "1024",
                ["VisibilityTimeout"] = "30",
                ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{deadLetterArn}}","maxReceiveCount":"3"}""",
            },
        }, _ct)).QueueUrl;
        await sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = queue,
            MessageBody = """{"v":1,"id":"abc"}""",
            MessageAttributes = new() { ["traceparent"] = new MessageAttributeValue { DataType = "String", StringValue = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" } },
        }, _ct);
        var tooLarge = await Assert.ThrowsAnyAsync<Amazon.SQS.AmazonSQSException>(() => sqs.SendMessageAsync(queue, new string('x', 2000), _ct));

        var first = await Receive(sqs, queue);
        await sqs.ChangeMessageVisibilityAsync(queue, first.ReceiptHandle, 0, _ct);
        var second = await Receive(sqs, queue);
        await sqs.DeleteMessageBatchAsync(queue, [new DeleteMessageBatchRequestEntry("1", second.ReceiptHandle)], _ct);
        var attributes = await sqs.GetQueueAttributesAsync(queue, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "RedrivePolicy"], _ct);

        Assert.NotNull(tooLarge.ErrorCode);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", first.MessageAttributes["traceparent"].StringValue);
        Assert.Equal(("1", "2"), (first.Attributes["ApproximateReceiveCount"], second.Attributes["ApproximateReceiveCount"]));
        Assert.Equal((0, 0), (attributes.ApproximateNumberOfMessages, attributes.ApproximateNumberOfMessagesNotVisible));
        Assert.Equal(deadLetterArn, JsonDocument.Parse(attributes.Attributes["RedrivePolicy"]).RootElement.GetProperty("deadLetterTargetArn").GetString());
    }

    [Theory]
    [MemberData(nameof(CloudBackends.All), MemberType = typeof(CloudBackends))]
    public async Task A_bucket_announces_matching_new_objects_on_its_queue_as_standard_S3_events(string backend)
    {
        var (s3, sqs) = await endpoints.ClientsAsync(backend);
        await s3.PutBucketAsync(_name, _ct);
        var queue = (await sqs.CreateQueueAsync(_name, _ct)).QueueUrl;
        var arn = (await sqs.GetQueueAttributesAsync(queue, ["QueueArn"], _ct)).QueueARN;
        await s3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = _name,
            QueueConfigurations =
            [
                new QueueConfiguration
                {
                    Id = "videos", Queue = arn, Events = [EventType.ObjectCreatedAll],
                    Filter = new Filter { S3KeyFilter = new S3KeyFilter { FilterRules = [new FilterRule("suffix", ".mp4")] } },
                },
            ],
        }, _ct);

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = _name, Key = "notes.txt", ContentBody = "ignored" }, _ct);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = _name, Key = "clips/test 00.mp4", ContentBody = "video" }, _ct);

        var records = new List<JsonElement>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (records.Count == 0 && DateTime.UtcNow < deadline)
        {
            foreach (var message in (await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queue, WaitTimeSeconds = 1, MaxNumberOfMessages = 10 }, _ct)).Messages ?? [])
            {
                using var body = JsonDocument.Parse(message.Body);
                if (body.RootElement.TryGetProperty("Records", out var list))
                {
                    records.AddRange(list.EnumerateArray().Select(r => r.Clone()));
                }
                await sqs.DeleteMessageAsync(queue, message.ReceiptHandle, _ct);
            }
        }
        var record = Assert.Single(records);
        Assert.Equal(_name, record.GetProperty("s3").GetProperty("bucket").GetProperty("name").GetString());
        Assert.Equal("clips/test 00.mp4", WebUtility.UrlDecode(record.GetProperty("s3").GetProperty("object").GetProperty("key").GetString()));
        Assert.StartsWith("ObjectCreated:", record.GetProperty("eventName").GetString(), StringComparison.Ordinal);
    }

    private async Task<Message> Receive(Amazon.SQS.AmazonSQSClient sqs, string queue)
    {
        var response = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = queue,
            WaitTimeSeconds = 5,
            MessageAttributeNames = ["All"],
            MessageSystemAttributeNames = ["ApproximateReceiveCount"],
        }, _ct);
        return Assert.Single(response.Messages ?? []);
    }
}
