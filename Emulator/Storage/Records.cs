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

/// <param name="Functions">Lambda functions invoked (asynchronously) with the event; absent in data from before Lambda.</param>
internal sealed record NotificationConfiguration(IReadOnlyList<QueueNotification> Queues, IReadOnlyList<FunctionNotification>? Functions = null)
{
    public IEnumerable<INotificationTarget> Targets => [.. Queues, .. Functions ?? []];

    public bool IsEmpty => Queues.Count == 0 && (Functions is null || Functions.Count == 0);
}

/// <summary>Where a bucket's events go, and which events and keys.</summary>
internal interface INotificationTarget
{
    string Id { get; }
    string Arn { get; }
    IReadOnlyList<string> Events { get; }
    string? Prefix { get; }
    string? Suffix { get; }
}

internal sealed record QueueNotification(string Id, string QueueArn, IReadOnlyList<string> Events, string? Prefix, string? Suffix) : INotificationTarget
{
    string INotificationTarget.Arn => QueueArn;
}

internal sealed record FunctionNotification(string Id, string FunctionArn, IReadOnlyList<string> Events, string? Prefix, string? Suffix) : INotificationTarget
{
    string INotificationTarget.Arn => FunctionArn;
}

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

/// <summary>A Lambda function: its configuration and where its code (the deployment package, a zip) is kept.</summary>
/// <param name="CodeBlobId">The zip, in the blob store.</param>
/// <param name="CodeSha256">Base64 SHA-256 of the zip, as Lambda reports it.</param>
/// <param name="RevisionId">Changes with every update, for optimistic concurrency (<c>RevisionId</c> parameters).</param>
/// <param name="Policy">The resource-based policy's statements (AddPermission), as JSON objects.</param>
internal sealed record FunctionRecord(
    string Name,
    string Runtime,
    string Role,
    string Handler,
    string Description,
    int Timeout,
    int MemorySize,
    IReadOnlyDictionary<string, string> Environment,
    string CodeBlobId,
    string CodeSha256,
    long CodeSize,
    long LastModified,
    string RevisionId,
    int? ReservedConcurrency,
    string? DeadLetterTargetArn,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string> Policy,
    int? MaximumRetryAttempts,
    int? MaximumEventAgeInSeconds);

/// <summary>An event source mapping: a queue polled for a function.</summary>
internal sealed record EventSourceMappingRecord(
    string Uuid,
    string FunctionName,
    string EventSourceArn,
    int BatchSize,
    int MaximumBatchingWindowInSeconds,
    bool Enabled,
    IReadOnlyList<string> FunctionResponseTypes,
    int? MaximumConcurrency,
    long LastModified);

/// <summary>An event waiting for an asynchronous invocation (Invoke with InvocationType Event, or an S3 notification),
/// kept until it succeeds or is given up on.</summary>
internal sealed record AsyncEventRecord(
    long Sequence,
    string FunctionName,
    string RequestId,
    string Payload,
    long ReceivedAt,
    int Attempts,
    long NextAttemptAt,
    string? LastErrorType,
    string? LastErrorMessage);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BucketRecord))]
[JsonSerializable(typeof(ObjectRecord))]
[JsonSerializable(typeof(UploadRecord))]
[JsonSerializable(typeof(PartRecord))]
[JsonSerializable(typeof(QueueRecord))]
[JsonSerializable(typeof(MessageContent))]
[JsonSerializable(typeof(FunctionRecord))]
[JsonSerializable(typeof(EventSourceMappingRecord))]
[JsonSerializable(typeof(AsyncEventRecord))]
internal sealed partial class StorageJson : JsonSerializerContext;
