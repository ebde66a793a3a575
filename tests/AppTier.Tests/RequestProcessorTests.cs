using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using FaceRecognition.Cloud;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Identities;
using FaceRecognition.Vision;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceRecognition.AppTier.Tests;

/// <summary>Request messages through the processor on the <see cref="QueueConsumer"/>, as the app tier runs it, against
/// the real emulator with the system's topology.</summary>
public sealed class RequestProcessorTests : IAsyncLifetime
{
    private const string AccessKey = "AKIAAPPTIERTESTS0001";
    private const string SecretKey = "app-tier-tests-secret";
    private readonly string _data = Directory.CreateTempSubdirectory("facerec-apptier-").FullName;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly TopologyNames _names = new("apptier");
    private EmulatorHost _emulator = null!;
    private ServiceProvider _services = null!;
    private IAmazonS3 _s3 = null!;
    private IAmazonSQS _sqs = null!;
    private string _requestQueue = null!;
    private string _replyQueue = null!;
    private readonly CancellationTokenSource _stop = new();
    private Task _consuming = Task.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync(o =>
        {
            o.DataDirectory = _data;
            o.Credentials = [$"{AccessKey}:{SecretKey}"];
        });
        var credentials = new BasicAWSCredentials(AccessKey, SecretKey);
        _s3 = new AmazonS3Client(credentials, new AmazonS3Config { ServiceURL = _emulator.ServiceUrl.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        _sqs = new AmazonSQSClient(credentials, new AmazonSQSConfig { ServiceURL = _emulator.ServiceUrl.ToString(), AuthenticationRegion = "us-east-1" });
        await new TopologyProvisioner(_s3, _sqs, NullLogger.Instance).ProvisionAsync(SystemTopology.For(_names), functions: null, _ct);
        _requestQueue = (await _sqs.GetQueueUrlAsync(_names.RequestQueue, _ct)).QueueUrl;
        _replyQueue = (await _sqs.CreateQueueAsync(_names.ReplyQueueFor("test"), _ct)).QueueUrl;

        var table = Path.Combine(_data, "labels.csv");
        await File.WriteAllTextAsync(table, "Image,Results\ntest_001,Paul\n", _ct);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Recognition:Mode"] = "lookup",
            ["Recognition:LookupTable"] = table,
        }).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(_s3)
            .AddSingleton(_sqs)
            .AddSingleton(_names)
            .AddVision(configuration);
        services.AddOptions<AppTierOptions>();
        services.AddOptions<RecognitionOptions>().Bind(configuration.GetSection(RecognitionOptions.SectionName));
        services.AddSingleton<GalleryCache>().AddSingleton<Recognition>().AddSingleton<Enrollment>().AddSingleton<PictureAnalysis>().AddQueueConsumer().AddSingleton<RequestProcessor>();
        _services = services.BuildServiceProvider();
        var settings = new QueueConsumerSettings(_names.RequestQueue, SystemPermissions.AppTier, Concurrency: 2, VisibilityTimeoutSeconds: 10)
        {
            WaitTimeSeconds = 1,
            SystemAttributes = [RequestMetrics.SentTimestamp],
        };
        _consuming = _services.GetRequiredService<QueueConsumer>().RunAsync(_requestQueue, settings, Processor.HandleAsync, _stop.Token, _stop.Token);
    }

    [Fact]
    public async Task A_lookup_request_is_answered_stored_and_deleted()
    {
        await Put("test_001/r1.jpg", [0xFF, 0xD8, 0xFF, 0xE0]);
        await Send(Request("r1", "test_001/r1.jpg", RecognitionMode.Lookup));

        var reply = await Reply();
        Assert.Equal(("r1", "Paul", (ReplyError?)null), (reply.Id, reply.Name, reply.Error));
        Assert.NotNull(reply.Timings);
        Assert.Equal("Paul", await Output("test_001"));
        await Settled();
    }

    [Fact]
    public async Task Each_request_records_its_queue_wait_and_its_time_here_by_mode_and_outcome()
    {
        var recorded = new System.Collections.Concurrent.ConcurrentBag<(string Instrument, double Value, string? Outcome)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == RequestMetrics.MeterName) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            string? outcome = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "facerec.outcome") outcome = $"{tag.Value}";
            }
            recorded.Add((instrument.Name, value, outcome));
        });
        listener.Start();
        await Put("test_001/r5.jpg", [0xFF, 0xD8, 0xFF, 0xE0]);
        await Put("junk/r6.jpg", "not a picture"u8.ToArray());

        await Send(Request("r5", "test_001/r5.jpg", RecognitionMode.Lookup));
        await Reply();
        await Send(Request("r6", "junk/r6.jpg", RecognitionMode.Model));
        await Reply();

        Assert.Equal(2, recorded.Count(r => r.Instrument == "facerec.request.queue_wait" && r.Value >= 0));
        Assert.Equal(["answered", ReplyErrorCodes.BadImage], recorded.Where(r => r.Instrument == "facerec.request.duration").Select(r => r.Outcome).Order());
    }

    [Fact]
    public async Task Forgetting_removes_the_identity_from_the_gallery_and_an_unknown_one_is_answered_not_enrolled()
    {
        var gallery = new Gallery();
        gallery.Enroll("Ann", [Descriptor(0)]);
        gallery.Enroll("Bob", [Descriptor(1)]);
        using (var content = new MemoryStream())
        {
            gallery.Save(content);
            await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _names.GalleryBucket, Key = TopologyNames.GalleryObjectKey, InputStream = new MemoryStream(content.ToArray()) }, _ct);
        }

        await Send(new RecognitionRequest(RecognitionRequest.Version, "f1", _names.InputBucket, "forget/Ann", _names.ReplyQueueFor("test"), RecognitionMode.Forget, "Ann"));
        var forgotten = await Reply();
        await Send(new RecognitionRequest(RecognitionRequest.Version, "f2", _names.InputBucket, "forget/Ann", _names.ReplyQueueFor("test"), RecognitionMode.Forget, "Ann"));
        var unknown = await Reply();

        Assert.Equal(("f1", "Forgotten", (ReplyError?)null), (forgotten.Id, forgotten.Kind, forgotten.Error));
        Assert.Equal(ReplyErrorCodes.NotEnrolled, unknown.Error?.Code);
        using var stored = await _s3.GetObjectAsync(_names.GalleryBucket, TopologyNames.GalleryObjectKey, _ct);
        using var copy = new MemoryStream();
        await stored.ResponseStream.CopyToAsync(copy, _ct);
        Assert.Equal(["Bob"], Gallery.Load(new MemoryStream(copy.ToArray())).Identities.Select(i => i.Name));
        await Settled();
    }

    [Fact]
    public async Task A_picture_that_is_not_one_gets_an_error_reply_at_once_and_no_result()
    {
        await Put("junk/r2.jpg", "not a picture"u8.ToArray());
        await Send(Request("r2", "junk/r2.jpg", RecognitionMode.Model));

        var reply = await Reply();
        Assert.Equal(ReplyErrorCodes.BadImage, reply.Error!.Code);
        Assert.Contains("not a picture", reply.Error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NoSuchKeyException>(() => Output("junk"));
        await Settled();
    }

    [Fact]
    public async Task A_failing_request_is_retried_then_dead_lettered_with_its_cause_and_the_client_told_on_the_last_attempt()
    {
        // The picture does not exist: every attempt fails.
        await Send(Request("r3", "gone/r3.jpg", RecognitionMode.Lookup));

        var reply = await Reply();
        Assert.Equal(("r3", ReplyErrorCodes.Failed), (reply.Id, reply.Error!.Code));
        Assert.Contains($"failed {SystemTopology.MaxReceiveCount} times", reply.Error.Message, StringComparison.Ordinal);
        var letter = await DeadLetter();
        Assert.Equal("r3", RecognitionMessages.ParseRequest(letter.Body).Id);
        Assert.Equal(SystemPermissions.AppTier, letter.MessageAttributes[DeadLetterRule.SourceAttribute].StringValue);
        Assert.Equal(nameof(NoSuchKeyException), letter.MessageAttributes[DeadLetterRule.ErrorTypeAttribute].StringValue);
        await Settled();
    }

    [Fact]
    public async Task A_message_that_is_not_a_request_is_dead_lettered_at_once_with_its_cause()
    {
        await _sqs.SendMessageAsync(_requestQueue, "{\"hello\":", _ct);

        var letter = await DeadLetter();
        Assert.Equal("{\"hello\":", letter.Body);
        Assert.StartsWith("Not a recognition request", letter.MessageAttributes[DeadLetterRule.ErrorMessageAttribute].StringValue, StringComparison.Ordinal);
        Assert.Equal("1", letter.Attributes["ApproximateReceiveCount"]);
        await Settled();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _consuming;
        _stop.Dispose();
        await _services.DisposeAsync();
        await _emulator.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    /// <summary>A unit face descriptor along axis <paramref name="axis"/>.</summary>
    private static float[] Descriptor(int axis)
    {
        var descriptor = new float[128];
        descriptor[axis] = 1;
        return descriptor;
    }

    private RequestProcessor Processor => _services.GetRequiredService<RequestProcessor>();

    private RecognitionRequest Request(string id, string key, string mode) =>
        new(RecognitionRequest.Version, id, _names.InputBucket, key, _names.ReplyQueueFor("test"), mode);

    private Task Put(string key, byte[] bytes) =>
        _s3.PutObjectAsync(new PutObjectRequest { BucketName = _names.InputBucket, Key = key, InputStream = new MemoryStream(bytes) }, _ct);

    private Task Send(RecognitionRequest request) => _sqs.SendMessageAsync(_requestQueue, RecognitionMessages.Serialize(request), _ct);

    /// <summary>The next message of <paramref name="queue"/>, deleted; waits up to 30 s (a failing request is retried
    /// after 2 and 4 s).</summary>
    private async Task<Message> Receive(string queue)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest(queue)
            {
                WaitTimeSeconds = 5,
                MessageSystemAttributeNames = ["ApproximateReceiveCount"],
                MessageAttributeNames = ["All"],
            }, _ct);
            if (response.Messages is [var message])
            {
                await _sqs.DeleteMessageAsync(queue, message.ReceiptHandle, _ct);
                return message;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Nothing came on {queue} within 30 s.");
        }
    }

    private async Task<RecognitionReply> Reply() => RecognitionMessages.ParseReply((await Receive(_replyQueue)).Body);

    private async Task<Message> DeadLetter() => await Receive((await _sqs.GetQueueUrlAsync(_names.RequestDeadLetterQueue, _ct)).QueueUrl);

    /// <summary>Every request has left the request queue (answered and deleted, or dead-lettered).</summary>
    private Task Settled() => FaceRecognition.Tests.Support.Eventually.Until(async () => await Waiting(_requestQueue) == 0, TimeSpan.FromSeconds(10), "the request queue empty");

    private async Task<string> Output(string stem)
    {
        using var response = await _s3.GetObjectAsync(_names.OutputBucket, stem, _ct);
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync(_ct);
    }

    private async Task<int> Waiting(string queue)
    {
        var attributes = await _sqs.GetQueueAttributesAsync(queue, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"], _ct);
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
    }
}
