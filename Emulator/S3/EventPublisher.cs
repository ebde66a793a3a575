using System.Text;
using System.Text.Json;
using FaceRecognition.Emulator.Auth;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Lambda;
using FaceRecognition.Emulator.Protocol;
using FaceRecognition.Emulator.Sqs;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.S3;

/// <summary>
/// Turns object changes into S3 event notifications: messages on the configured queues, and asynchronous invocations of
/// the configured functions. Called inside the object's own change (<see cref="EmulatorStore.WriteAsync{T}"/>), so the
/// events join its commit: an acknowledged PUT always has its event, and an event always its object.
/// </summary>
internal sealed class EventPublisher(EmulatorOptions options, S3Store s3, SqsStore sqs, LambdaStore lambda, LambdaNames names)
{
    public const string ObjectCreatedPut = "ObjectCreated:Put";
    public const string ObjectCreatedCopy = "ObjectCreated:Copy";
    public const string ObjectCreatedCompleteMultipartUpload = "ObjectCreated:CompleteMultipartUpload";
    public const string ObjectRemovedDelete = "ObjectRemoved:Delete";

    /// <summary>The event names a queue configuration may subscribe to.</summary>
    public static readonly IReadOnlySet<string> ConfigurableEvents = new HashSet<string>(StringComparer.Ordinal)
    {
        "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy",
        "s3:ObjectCreated:CompleteMultipartUpload", "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete",
        "s3:ObjectRemoved:DeleteMarkerCreated",
    };

    /// <summary>Sends the event to every matching configuration of the bucket, as part of <paramref name="changes"/>.</summary>
    public void Publish(StoreChanges changes, Bucket bucket, string eventName, string key, ObjectRecord? record, S3Request request, long now)
    {
        var configuration = bucket.Record.Notifications;
        if (configuration is null) return;
        foreach (var target in configuration.Targets)
        {
            if (!Matches(target, eventName, key)) continue;
            var name = target.Arn[(target.Arn.LastIndexOf(':') + 1)..];
            // A destination deleted after the configuration was set: AWS drops the event; so do we.
            if (target is QueueNotification)
            {
                if (sqs.FindQueue(name) is not { } queue) continue;
                var body = EventJson(bucket.Name, eventName, key, record, target.Id, request, s3.NextEventSequencer(), now);
                sqs.Enqueue(changes, queue, PreparedMessage.Create(body, null, null, now, null), now);
            }
            else
            {
                var function = names.FunctionName(target.Arn);
                if (lambda.FindFunction(function) is null) continue;
                var body = EventJson(bucket.Name, eventName, key, record, target.Id, request, s3.NextEventSequencer(), now);
                lambda.EnqueueEvent(changes, function, Guid.NewGuid().ToString(), body, now);
            }
        }
    }

    /// <summary>The message S3 sends to each destination when a configuration is set.</summary>
    public static string TestEventJson(string bucket, string requestId, long now) => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["Service"] = "Amazon S3",
        ["Event"] = "s3:TestEvent",
        ["Time"] = S3Xml.Time(now),
        ["Bucket"] = bucket,
        ["RequestId"] = requestId,
        ["HostId"] = requestId,
    }, WireJson.Default.DictionaryStringString);

    public static bool Matches(INotificationTarget target, string eventName, string key)
    {
        var subscribed = target.Events.Any(e => e == "s3:" + eventName || (e.EndsWith(":*", StringComparison.Ordinal) && ("s3:" + eventName).StartsWith(e[..^1], StringComparison.Ordinal)));
        return subscribed &&
            (target.Prefix is null || key.StartsWith(target.Prefix, StringComparison.Ordinal)) &&
            (target.Suffix is null || key.EndsWith(target.Suffix, StringComparison.Ordinal));
    }

    private string EventJson(string bucket, string eventName, string key, ObjectRecord? record, string configurationId, S3Request request, string sequencer, long now)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("Records");
            json.WriteStartObject();
            json.WriteString("eventVersion", "2.1");
            json.WriteString("eventSource", "aws:s3");
            json.WriteString("awsRegion", options.Region);
            json.WriteString("eventTime", S3Xml.Time(now));
            json.WriteString("eventName", eventName);
            json.WriteStartObject("userIdentity");
            json.WriteString("principalId", "AWS:" + request.Auth.AccessKey);
            json.WriteEndObject();
            json.WriteStartObject("requestParameters");
            json.WriteString("sourceIPAddress", request.SourceAddress);
            json.WriteEndObject();
            json.WriteStartObject("responseElements");
            json.WriteString("x-amz-request-id", request.RequestId);
            json.WriteString("x-amz-id-2", request.RequestId);
            json.WriteEndObject();
            json.WriteStartObject("s3");
            json.WriteString("s3SchemaVersion", "1.0");
            json.WriteString("configurationId", configurationId);
            json.WriteStartObject("bucket");
            json.WriteString("name", bucket);
            json.WriteStartObject("ownerIdentity");
            json.WriteString("principalId", options.AccountId);
            json.WriteEndObject();
            json.WriteString("arn", "arn:aws:s3:::" + bucket);
            json.WriteEndObject();
            json.WriteStartObject("object");
            json.WriteString("key", EncodeKey(key));
            if (record is not null)
            {
                json.WriteNumber("size", record.Size);
                json.WriteString("eTag", record.ETag);
            }
            json.WriteString("sequencer", sequencer);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Keys in events are form-encoded as S3 does it: spaces as '+', slashes kept, the rest as %XX. Decode with
    /// a URL-decoder that turns '+' into a space (Python's unquote_plus, .NET's WebUtility.UrlDecode).</summary>
    public static string EncodeKey(string key) => SigV4.UriEncode(key, keepSlash: true).Replace("%20", "+", StringComparison.Ordinal);
}
