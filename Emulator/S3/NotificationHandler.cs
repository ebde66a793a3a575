using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Sqs;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.S3;

/// <summary>Bucket notification configuration: set (validated, then a test event to each queue, as AWS does) and get.</summary>
internal sealed class NotificationHandler(EmulatorState state, EmulatorOptions options, TimeProvider clock, EventPublisher events)
    : S3HandlerBase(state, options, clock, events)
{
    public async Task PutBucketNotification(S3Request request)
    {
        var document = await ObjectBodyReader.ReadDocumentAsync(request, Options.MaxDocumentSize);
        CommitLog.Commit commit;
        lock (State.Lock)
        {
            var bucket = BucketLocked(request.Bucket);
            var configuration = NotificationConfigurationXml.Parse(document, State.Queues.ContainsKey);
            var record = bucket.Record with { Notifications = configuration.Queues.Count == 0 ? null : configuration };
            bucket.Record = record;
            var writes = new List<Action<StoreTransaction>> { tx => tx.PutBucket(record) };
            var now = Now;
            foreach (var queueName in configuration.Queues.Select(q => q.QueueArn[(q.QueueArn.LastIndexOf(':') + 1)..]).Distinct())
            {
                var test = MessageHandler.PrepareContent(EventPublisher.TestEventJson(bucket.Name, request.RequestId, now), null, null, now, null);
                writes.Add(MessageHandler.EnqueueLocked(State, State.Queues[queueName], test, now));
            }
            commit = State.Log.Append(tx => writes.ForEach(write => write(tx)));
        }
        await commit;
    }

    public Task GetBucketNotification(S3Request request)
    {
        NotificationConfiguration? configuration;
        lock (State.Lock) configuration = BucketLocked(request.Bucket).Record.Notifications;
        return WriteXml(request, NotificationConfigurationXml.Write(configuration));
    }
}
