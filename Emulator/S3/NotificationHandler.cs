using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Lambda;
using FaceRecognition.Emulator.Sqs;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.S3;

/// <summary>Bucket notification configuration: set (validated, then a test event to each queue, as AWS does) and get.</summary>
internal sealed class NotificationHandler(EmulatorStore store, S3Store s3, SqsStore sqs, LambdaStore lambda, LambdaNames names, EmulatorOptions options,
    TimeProvider clock, EventPublisher events)
    : S3HandlerBase(store, s3, options, clock, events)
{
    public async Task PutBucketNotification(S3Request request)
    {
        var document = await ObjectBodyReader.ReadDocumentAsync(request, Options.MaxDocumentSize);
        await Store.WriteAsync(changes =>
        {
            var bucket = S3.GetBucket(request.Bucket);
            var configuration = NotificationConfigurationXml.Parse(document, sqs.Exists, arn => FunctionAllows(arn, bucket.Name));
            S3.UpdateBucket(changes, bucket, bucket.Record with { Notifications = configuration.IsEmpty ? null : configuration });
            var now = Now;
            foreach (var queueName in configuration.Queues.Select(q => q.QueueArn[(q.QueueArn.LastIndexOf(':') + 1)..]).Distinct())
            {
                var test = PreparedMessage.Create(EventPublisher.TestEventJson(bucket.Name, request.RequestId, now), null, null, now, null);
                sqs.Enqueue(changes, sqs.GetQueue(queueName), test, now);
            }
        });
    }

    /// <summary>As S3 checks before it accepts a function as a destination: it exists, and its resource policy lets S3 invoke
    /// it for this bucket. Call inside a read or change of the store.</summary>
    private bool FunctionAllows(string arn, string bucket)
    {
        try
        {
            return lambda.FindFunction(names.FunctionName(arn)) is { } function &&
                FunctionPolicy.AllowsService(function.Policy, "s3.amazonaws.com", "arn:aws:s3:::" + bucket, Options.AccountId);
        }
        catch (Protocol.AwsException)
        {
            return false;
        }
    }

    public Task GetBucketNotification(S3Request request)
    {
        var configuration = Store.Read(() => S3.GetBucket(request.Bucket).Record.Notifications);
        return WriteXml(request, NotificationConfigurationXml.Write(configuration));
    }
}
