using System.Text.Json.Serialization;

namespace FaceRecognition.Emulator.Storage;

// What the emulator keeps on disk. Rows hold the fields they are looked up or updated by; the rest is JSON
// (source-generated), so adding a field needs no schema migration.

internal sealed record BucketRecord(string Name, long CreatedAt, NotificationConfiguration? Notifications);

internal sealed record ObjectRecord(
    string Bucket,
    string Key,
    string BlobId,
    long Size,
    string ETag,
    long LastModified,
    string ContentType,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyDictionary<string, string> Headers,
    string? ChecksumAlgorithm,
    string? ChecksumValue,
    string? ChecksumType,
    int PartCount);

internal sealed record UploadRecord(
    string UploadId,
    string Bucket,
    string Key,
    long Initiated,
    string ContentType,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyDictionary<string, string> Headers,
    string? ChecksumAlgorithm,
    string? ChecksumType);

internal sealed record PartRecord(
    string UploadId,
    int PartNumber,
    string BlobId,
    long Size,
    string ETag,
    long LastModified,
    string? ChecksumValue);

internal sealed record NotificationConfiguration(IReadOnlyList<QueueNotification> Queues);

internal sealed record QueueNotification(string Id, string QueueArn, IReadOnlyList<string> Events, string? Prefix, string? Suffix);

internal sealed record QueueRecord(
    string Name,
    long CreatedAt,
    long LastModified,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>The parts of a message that never change after it is sent.</summary>
internal sealed record MessageContent(
    string MessageId,
    string Body,
    string BodyMd5,
    IReadOnlyDictionary<string, MessageAttributeValue>? Attributes,
    string? AttributesMd5,
    long SentTimestamp,
    string? TraceHeader);

internal sealed record MessageAttributeValue(string DataType, string? StringValue, byte[]? BinaryValue);

/// <summary>The parts of a message that each receive or visibility change updates.</summary>
internal readonly record struct MessageState(long VisibleAt, int ReceiveCount, long FirstReceiveTimestamp, string? ReceiptNonce);

internal sealed record StoredMessage(long Sequence, string Queue, MessageContent Content, MessageState State);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BucketRecord))]
[JsonSerializable(typeof(ObjectRecord))]
[JsonSerializable(typeof(UploadRecord))]
[JsonSerializable(typeof(PartRecord))]
[JsonSerializable(typeof(QueueRecord))]
[JsonSerializable(typeof(MessageContent))]
internal sealed partial class StorageJson : JsonSerializerContext;
