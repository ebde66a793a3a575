using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace FaceRecognition.Bench.Emulator;

/// <summary>One measurement: a number and its unit (higher is better unless <see cref="LowerIsBetter"/>).</summary>
internal sealed record Measurement(string Workload, string Unit, bool LowerIsBetter, Func<Server, TimeSpan, Task<double>> Run);

/// <summary>The workloads, written once against the AWS SDK for .NET in its default configuration.</summary>
internal static class Workloads
{
    public static IReadOnlyList<Measurement> All { get; } =
    [
        new("SQS send -> receive -> delete, 1+1 clients, single calls", "messages/s", false, (s, d) => SqsThroughput(s, d, 1, batch: false)),
        new("SQS send -> receive -> delete, 8+8 clients, single calls", "messages/s", false, (s, d) => SqsThroughput(s, d, 8, batch: false)),
        new("SQS send -> receive -> delete, 8+8 clients, batches of 10", "messages/s", false, (s, d) => SqsThroughput(s, d, 8, batch: true)),
        new("SQS long-poll wake-up, p50", "ms", true, (s, _) => WakeUp(s, 0.50)),
        new("SQS long-poll wake-up, p99", "ms", true, (s, _) => WakeUp(s, 0.99)),
        new("S3 PUT 4 KB, 16 clients", "objects/s", false, (s, d) => S3Operations(s, d, 4 * 1024, 16, put: true)),
        new("S3 GET 4 KB, 16 clients", "objects/s", false, (s, d) => S3Operations(s, d, 4 * 1024, 16, put: false)),
        new("S3 PUT 4 MB, 4 clients", "MB/s", false, (s, d) => S3Operations(s, d, 4 * 1024 * 1024, 4, put: true)),
        new("S3 GET 4 MB, 4 clients", "MB/s", false, (s, d) => S3Operations(s, d, 4 * 1024 * 1024, 4, put: false)),
    ];

    private static readonly BasicAWSCredentials s_credentials = new(Server.AccessKey, Server.SecretKey);

    private static AmazonSQSClient Sqs(Server server) => new(s_credentials, new AmazonSQSConfig { ServiceURL = server.Url, AuthenticationRegion = "us-east-1" });

    private static AmazonS3Client S3(Server server) => new(s_credentials,
        new AmazonS3Config { ServiceURL = server.Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    /// <summary>Producers send, consumers receive and delete, for <paramref name="duration"/>; counts deleted messages.
    /// Single: SendMessage, ReceiveMessage of at most 1, DeleteMessage. Batch: the same with 10 per call.</summary>
    private static async Task<double> SqsThroughput(Server server, TimeSpan duration, int clients, bool batch)
    {
        using var sqs = Sqs(server);
        var queue = (await sqs.CreateQueueAsync($"bench-{Guid.NewGuid():N}")).QueueUrl;
        using var stop = new CancellationTokenSource();
        long deleted = 0;

        async Task Produce()
        {
            var entries = Enumerable.Range(0, 10).Select(i => new SendMessageBatchRequestEntry($"m{i}", "benchmark message body of moderate length")).ToList();
            while (!stop.IsCancellationRequested)
            {
                if (batch) await sqs.SendMessageBatchAsync(new SendMessageBatchRequest { QueueUrl = queue, Entries = entries });
                else await sqs.SendMessageAsync(queue, "benchmark message body of moderate length");
            }
        }

        async Task Consume()
        {
            while (!stop.IsCancellationRequested)
            {
                var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queue, MaxNumberOfMessages = batch ? 10 : 1, WaitTimeSeconds = 1 });
                if (received.Messages is not { Count: > 0 } messages) continue;
                if (batch)
                {
                    await sqs.DeleteMessageBatchAsync(new DeleteMessageBatchRequest
                    {
                        QueueUrl = queue,
                        Entries = messages.Select((m, i) => new DeleteMessageBatchRequestEntry($"d{i}", m.ReceiptHandle)).ToList(),
                    });
                }
                else
                {
                    await sqs.DeleteMessageAsync(queue, messages[0].ReceiptHandle);
                }
                Interlocked.Add(ref deleted, messages.Count);
            }
        }

        var watch = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, clients).Select(_ => Task.Run(Produce)).Concat(Enumerable.Range(0, clients).Select(_ => Task.Run(Consume))).ToList();
        await Task.Delay(duration);
        var count = Interlocked.Read(ref deleted);
        var elapsed = watch.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(tasks);
        await sqs.DeleteQueueAsync(queue);
        return count / elapsed.TotalSeconds;
    }

    /// <summary>A receiver waits in a 20 s long poll; the time from the start of SendMessage to the return of that
    /// ReceiveMessage, 500 times (a p99 from fewer samples is one or two outliers); the requested percentile, in milliseconds.</summary>
    private static async Task<double> WakeUp(Server server, double percentile)
    {
        using var sender = Sqs(server);
        using var receiver = Sqs(server);
        var queue = (await sender.CreateQueueAsync($"wake-{Guid.NewGuid():N}")).QueueUrl;
        var samples = new List<double>();
        for (var i = 0; i < 500; i++)
        {
            var receive = receiver.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queue, WaitTimeSeconds = 20 });
            await Task.Delay(10); // let the receive reach the server and start waiting (loopback: well under 1 ms)
            var start = Stopwatch.GetTimestamp();
            await sender.SendMessageAsync(queue, "wake up");
            var message = (await receive).Messages.Single();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            await receiver.DeleteMessageAsync(queue, message.ReceiptHandle);
        }
        await sender.DeleteQueueAsync(queue);
        samples.Sort();
        return samples[(int)Math.Min(samples.Count - 1, Math.Floor(percentile * samples.Count))];
    }

    /// <summary>Clients PUT (or GET) objects of <paramref name="size"/> bytes for <paramref name="duration"/>. Objects/s for
    /// small objects, MB/s (MiB) for large ones.</summary>
    private static async Task<double> S3Operations(Server server, TimeSpan duration, int size, int clients, bool put)
    {
        using var s3 = S3(server);
        var bucket = $"bench-{Guid.NewGuid():N}";
        await s3.PutBucketAsync(bucket);
        var body = new byte[size];
        Random.Shared.NextBytes(body);
        const int ReadSet = 64;
        if (!put)
        {
            for (var i = 0; i < ReadSet; i++) await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"read-{i}", InputStream = new MemoryStream(body) });
        }
        using var stop = new CancellationTokenSource();
        long operations = 0;

        async Task Client(int client)
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                if (put)
                {
                    await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"put-{client}-{n++ % 256}", InputStream = new MemoryStream(body) });
                }
                else
                {
                    using var get = await s3.GetObjectAsync(bucket, $"read-{(client + n++) % ReadSet}");
                    await get.ResponseStream.CopyToAsync(Stream.Null);
                }
                Interlocked.Increment(ref operations);
            }
        }

        var watch = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(() => Client(c))).ToList();
        await Task.Delay(duration);
        var count = Interlocked.Read(ref operations);
        var elapsed = watch.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(tasks);
        await DeleteBucket(s3, bucket);
        var perSecond = count / elapsed.TotalSeconds;
        return size >= 1024 * 1024 ? perSecond * size / (1024.0 * 1024.0) : perSecond;
    }

    /// <summary>Empties and deletes a run's bucket, so no run leaves gigabytes of dirty page cache for the next.</summary>
    private static async Task DeleteBucket(AmazonS3Client s3, string bucket)
    {
        while (true)
        {
            var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
            if (listed.S3Objects is not { Count: > 0 } objects) break;
            await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = objects.Select(o => new KeyVersion { Key = o.Key }).ToList() });
        }
        await s3.DeleteBucketAsync(bucket);
    }
}
