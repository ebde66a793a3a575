using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceRecognition.Lambdas.Runtime;

/// <summary>The standard S3 event notification (what S3 sends to a queue or straight to a Lambda function).</summary>
public sealed record S3Event([property: JsonPropertyName("Records")] IReadOnlyList<S3EventRecord> Records)
{
    /// <summary>Parses a notification body. Returns null for <c>s3:TestEvent</c>, which S3 sends when a
    /// configuration is set and which announces no object.</summary>
    /// <exception cref="FormatException">The text is not an S3 event.</exception>
    public static S3Event? Parse(string json)
    {
        S3EventEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(json, S3EventJson.Default.S3EventEnvelope);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Not an S3 event: the JSON is malformed ({e.Message}).", e);
        }
        if (envelope is { Event: "s3:TestEvent" })
        {
            return null;
        }
        if (envelope?.Records is not { Count: > 0 } records)
        {
            throw new FormatException("Not an S3 event: it has no Records.");
        }
        foreach (var record in records)
        {
            if (record?.S3?.Bucket?.Name is not { Length: > 0 } || record.S3.Object?.Key is not { Length: > 0 })
            {
                throw new FormatException("Not an S3 event: a record names no bucket or object key.");
            }
        }
        return new S3Event(records);
    }

    public string ToJson() => JsonSerializer.Serialize(new S3EventEnvelope { Records = [.. Records] }, S3EventJson.Default.S3EventEnvelope);
}

public sealed record S3EventRecord
{
    [JsonPropertyName("eventVersion")] public string? EventVersion { get; init; }
    [JsonPropertyName("eventSource")] public string? EventSource { get; init; }
    [JsonPropertyName("awsRegion")] public string? AwsRegion { get; init; }
    [JsonPropertyName("eventTime")] public DateTimeOffset? EventTime { get; init; }
    [JsonPropertyName("eventName")] public string? EventName { get; init; }
    [JsonPropertyName("s3")] public S3Entity? S3 { get; init; }

    [JsonIgnore] public string BucketName => S3!.Bucket!.Name!;

    /// <summary>The object key, decoded: S3 events carry keys URL-encoded, spaces as '+'.</summary>
    [JsonIgnore] public string Key => WebUtility.UrlDecode(S3!.Object!.Key!);

    [JsonIgnore] public long Size => S3!.Object!.Size;
}

public sealed record S3Entity
{
    [JsonPropertyName("s3SchemaVersion")] public string? SchemaVersion { get; init; }
    [JsonPropertyName("configurationId")] public string? ConfigurationId { get; init; }
    [JsonPropertyName("bucket")] public S3BucketEntity? Bucket { get; init; }
    [JsonPropertyName("object")] public S3ObjectEntity? Object { get; init; }
}

public sealed record S3BucketEntity
{
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("arn")] public string? Arn { get; init; }
}

public sealed record S3ObjectEntity
{
    [JsonPropertyName("key")] public string? Key { get; init; }
    [JsonPropertyName("size")] public long Size { get; init; }
    [JsonPropertyName("eTag")] public string? ETag { get; init; }
    [JsonPropertyName("sequencer")] public string? Sequencer { get; init; }
}

/// <summary>Either shape S3 sends: an event with Records, or the test event (<c>{"Event":"s3:TestEvent",…}</c>).</summary>
internal sealed class S3EventEnvelope
{
    [JsonPropertyName("Records")] public List<S3EventRecord>? Records { get; set; }

    [JsonPropertyName("Event")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Event { get; set; }
}

[JsonSerializable(typeof(S3EventEnvelope))]
internal sealed partial class S3EventJson : JsonSerializerContext;
