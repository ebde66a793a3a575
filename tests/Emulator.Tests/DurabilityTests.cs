using System.Collections.Concurrent;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using FaceRecognition.Emulator.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

/// <summary>What the emulator acknowledged survives a restart and a kill -9; what it did not is never half there.</summary>
public sealed class DurabilityTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task EverythingSurvivesARestart()
    {
        await using var emulator = new EmulatorFixture();
        await emulator.InitializeAsync();
        var s3 = emulator.S3;
        await s3.PutBucketAsync("kept-bucket", _ct);
        var body = RandomNumberGenerator.GetBytes(70_000);
        var put = new PutObjectRequest { BucketName = "kept-bucket", Key = "dir/kept.bin", InputStream = new MemoryStream(body), ContentType = "image/png" };
        put.Metadata.Add("who", "kept");
        await s3.PutObjectAsync(put, _ct);
        var upload = await s3.InitiateMultipartUploadAsync("kept-bucket", "in-progress", _ct);
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = "kept-bucket", Key = "in-progress", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[1234]) }, _ct);
        var queue = (await emulator.Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "kept-queue", Attributes = new() { ["VisibilityTimeout"] = "77" } }, _ct)).QueueUrl;
        var queueArn = (await emulator.Sqs.GetQueueAttributesAsync(queue, ["QueueArn"], _ct)).QueueARN;
        await s3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = "kept-bucket",
            QueueConfigurations = [new QueueConfiguration { Id = "n", Queue = queueArn, Events = [new EventType("s3:ObjectCreated:*")] }],
        }, _ct);
        await emulator.Sqs.PurgeQueueAsync(queue, _ct);
        await emulator.Sqs.SendMessageAsync(queue, "first", _ct);
        await emulator.Sqs.SendMessageAsync(queue, "second", _ct);
        var inFlight = (await emulator.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queue, VisibilityTimeout = 600 }, _ct)).Messages.Single();
        var waiting = inFlight.Body == "first" ? "second" : "first";

        await emulator.RestartAsync();

        using (var get = await emulator.S3.GetObjectAsync("kept-bucket", "dir/kept.bin", _ct))
        {
            Assert.Equal(body, await S3ObjectTests.ReadAll(get.ResponseStream));
            Assert.Equal("image/png", get.Headers.ContentType);
            Assert.Equal("kept", get.Metadata["who"]);
        }
        var parts = await emulator.S3.ListPartsAsync(new ListPartsRequest { BucketName = "kept-bucket", Key = "in-progress", UploadId = upload.UploadId }, _ct);
        Assert.Equal(1234, Assert.Single(parts.Parts).Size);
        Assert.Equal(77, (await emulator.Sqs.GetQueueAttributesAsync(queue, ["VisibilityTimeout"], _ct)).VisibilityTimeout);
        Assert.Equal("n", Assert.Single((await emulator.S3.GetBucketNotificationAsync("kept-bucket", _ct)).QueueConfigurations).Id);

        // The in-flight message is still hidden, and its receipt handle from before the restart still deletes it.
        var visible = (await emulator.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queue, MaxNumberOfMessages = 10 }, _ct)).Messages;
        Assert.Equal(waiting, Assert.Single(visible).Body);
        Assert.Equal(2, (await emulator.Sqs.GetQueueAttributesAsync(queue, ["ApproximateNumberOfMessagesNotVisible"], _ct)).ApproximateNumberOfMessagesNotVisible);
        await emulator.Sqs.DeleteMessageAsync(queue, inFlight.ReceiptHandle, _ct);
        await emulator.Sqs.DeleteMessageAsync(queue, visible[0].ReceiptHandle, _ct);
        Assert.Equal(0, (await emulator.Sqs.GetQueueAttributesAsync(queue, ["ApproximateNumberOfMessagesNotVisible"], _ct)).ApproximateNumberOfMessagesNotVisible);

        // Notifications still fire after the restart.
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = "kept-bucket", Key = "after-restart", ContentBody = "x" }, _ct);
        var notified = await emulator.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queue, WaitTimeSeconds = 5 }, _ct);
        Assert.Contains("after-restart", Assert.Single(notified.Messages).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KillNineUnderLoadLosesNothingThatWasAcknowledged()
    {
        using var data = new TestDirectory("kill9");
        var first = await EmulatorProcess.StartAsync(data.Path, cancellationToken: _ct);
        var port = first.Port;
        using var s3 = S3(first.ServiceUrl);
        using var sqs = Sqs(first.ServiceUrl);
        await s3.PutBucketAsync("load", _ct);
        var queue = (await sqs.CreateQueueAsync("load", _ct)).QueueUrl;

        var attempted = new ConcurrentDictionary<string, byte[]>();
        var storedObjects = new ConcurrentDictionary<string, byte[]>();
        var sentMessages = new ConcurrentBag<string>();
        var receivedInFlight = new ConcurrentBag<Message>();
        using var stop = new CancellationTokenSource();

        async Task PutLoop()
        {
            while (!stop.IsCancellationRequested)
            {
                var key = Guid.NewGuid().ToString("N");
                // Sizes on both sides of the inline limit (128 KiB): database rows and files are both under test.
                var body = RandomNumberGenerator.GetBytes(RandomNumberGenerator.GetInt32(1, 256 * 1024));
                attempted[key] = body;
                try
                {
                    await s3.PutObjectAsync(new PutObjectRequest { BucketName = "load", Key = key, InputStream = new MemoryStream(body) }, stop.Token);
                    storedObjects[key] = body;
                }
                catch (Exception) when (stop.IsCancellationRequested || !IsRunning(first))
                {
                    return;
                }
            }
        }

        async Task SendLoop()
        {
            while (!stop.IsCancellationRequested)
            {
                var body = Guid.NewGuid().ToString();
                try
                {
                    await sqs.SendMessageAsync(queue, body, stop.Token);
                    sentMessages.Add(body);
                    if (sentMessages.Count % 10 == 0)
                    {
                        var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queue, VisibilityTimeout = 900 }, stop.Token);
                        foreach (var message in received.Messages ?? []) receivedInFlight.Add(message);
                    }
                }
                catch (Exception) when (stop.IsCancellationRequested || !IsRunning(first))
                {
                    return;
                }
            }
        }

        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(PutLoop, _ct)).Concat(Enumerable.Range(0, 4).Select(_ => Task.Run(SendLoop, _ct))).ToList();
        await WaitUntil(() => storedObjects.Count >= 150 && sentMessages.Count >= 300, TimeSpan.FromSeconds(60));
        await first.KillAsync();
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        await using var second = await EmulatorProcess.StartAsync(data.Path, port, cancellationToken: _ct);
        using var s3After = S3(second.ServiceUrl);
        using var sqsAfter = Sqs(second.ServiceUrl);

        // Every acknowledged object is there, byte for byte; nothing else is there but complete attempted objects.
        var listed = new List<string>();
        string? token = null;
        do
        {
            var page = await s3After.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "load", ContinuationToken = token }, _ct);
            listed.AddRange(page.S3Objects?.Select(o => o.Key) ?? []);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        Assert.Superset(storedObjects.Keys.ToHashSet(), listed.ToHashSet());
        foreach (var key in listed)
        {
            using var get = await s3After.GetObjectAsync("load", key, _ct);
            Assert.Equal(attempted[key], await S3ObjectTests.ReadAll(get.ResponseStream));
        }

        // Every acknowledged message is there; the ones received before the kill are still in flight and deletable.
        var bodies = new HashSet<string>();
        while ((await sqsAfter.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queue, MaxNumberOfMessages = 10, VisibilityTimeout = 900 }, _ct)).Messages is { Count: > 0 } messages)
        {
            foreach (var message in messages) bodies.Add(message.Body);
        }
        foreach (var message in receivedInFlight)
        {
            Assert.DoesNotContain(message.Body, bodies);
            bodies.Add(message.Body);
            await sqsAfter.DeleteMessageAsync(queue, message.ReceiptHandle, _ct);
        }
        Assert.Superset(sentMessages.ToHashSet(), bodies);
    }

    [Fact]
    public async Task AnUploadCutShortByAKillLeavesNoTrace()
    {
        using var data = new TestDirectory("kill-upload");
        var first = await EmulatorProcess.StartAsync(data.Path, cancellationToken: _ct);
        using (var s3 = S3(first.ServiceUrl))
        {
            await s3.PutBucketAsync("uploads", _ct);
            var halfway = new TaskCompletionSource();
            var body = new SlowStream(32 * 1024 * 1024, halfway);
            var upload = s3.PutObjectAsync(new PutObjectRequest { BucketName = "uploads", Key = "cut-short", InputStream = body, UseChunkEncoding = true }, _ct);
            await halfway.Task.WaitAsync(TimeSpan.FromSeconds(60), _ct);
            await first.KillAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => upload);
        }

        await using var second = await EmulatorProcess.StartAsync(data.Path, first.Port, cancellationToken: _ct);
        using var s3After = S3(second.ServiceUrl);
        await Assert.ThrowsAsync<NoSuchKeyException>(() => s3After.GetObjectAsync("uploads", "cut-short", _ct));
        // The half-written body was never referenced, and the restart removed it.
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(data.Path, "blobs"), "*", SearchOption.AllDirectories));
    }

    /// <summary>Whether the emulator still accepts connections: a failed call after the kill ends a worker, not the test.</summary>
    private static bool IsRunning(EmulatorProcess process)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            client.Connect("127.0.0.1", process.Port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private async Task WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The load did not reach its target in time.");
            await Task.Delay(20, _ct);
        }
    }

    private static AmazonS3Client S3(string serviceUrl) => new(new BasicAWSCredentials(EmulatorFixture.AccessKey, EmulatorFixture.SecretKey),
        new AmazonS3Config { ServiceURL = serviceUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    private static AmazonSQSClient Sqs(string serviceUrl) => new(new BasicAWSCredentials(EmulatorFixture.AccessKey, EmulatorFixture.SecretKey),
        new AmazonSQSConfig { ServiceURL = serviceUrl, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    /// <summary>A non-seekable body that sends half its bytes quickly, says so, then trickles.</summary>
    private sealed class SlowStream(long length, TaskCompletionSource halfway) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => _position = value; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= length) return 0;
            if (_position >= length / 2)
            {
                halfway.TrySetResult();
                Thread.Sleep(100);
            }
            var n = (int)Math.Min(count, length - _position);
            Array.Fill(buffer, (byte)'z', offset, n);
            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
