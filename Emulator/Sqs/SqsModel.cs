using System.Text.Json.Serialization;

namespace FaceRecognition.Emulator.Sqs;

// The SQS API's requests and responses, named as on the wire (AWS JSON 1.0). The query protocol is translated into
// the same requests and rendered from the same responses. Request fields are nullable: absence is validated, not assumed.

internal sealed record CreateQueueRequest(string? QueueName, Dictionary<string, string>? Attributes,
    [property: JsonPropertyName("tags")] Dictionary<string, string>? Tags);

internal sealed record GetQueueUrlRequest(string? QueueName, string? QueueOwnerAWSAccountId);

internal sealed record ListQueuesRequest(string? QueueNamePrefix, int? MaxResults, string? NextToken);

internal sealed record QueueUrlRequest(string? QueueUrl);

internal sealed record GetQueueAttributesRequest(string? QueueUrl, List<string>? AttributeNames);

internal sealed record SetQueueAttributesRequest(string? QueueUrl, Dictionary<string, string>? Attributes);

internal sealed record TagQueueRequest(string? QueueUrl, Dictionary<string, string>? Tags);

internal sealed record UntagQueueRequest(string? QueueUrl, List<string>? TagKeys);

internal sealed record ListDeadLetterSourceQueuesRequest(string? QueueUrl, int? MaxResults, string? NextToken);

internal sealed record MessageAttributeDto(string? DataType, string? StringValue, byte[]? BinaryValue);

internal sealed record SendMessageRequest(
    string? QueueUrl,
    string? MessageBody,
    int? DelaySeconds,
    Dictionary<string, MessageAttributeDto>? MessageAttributes,
    Dictionary<string, MessageAttributeDto>? MessageSystemAttributes,
    string? MessageGroupId,
    string? MessageDeduplicationId);

internal sealed record SendMessageBatchEntry(
    string? Id,
    string? MessageBody,
    int? DelaySeconds,
    Dictionary<string, MessageAttributeDto>? MessageAttributes,
    Dictionary<string, MessageAttributeDto>? MessageSystemAttributes,
    string? MessageGroupId,
    string? MessageDeduplicationId);

internal sealed record SendMessageBatchRequest(string? QueueUrl, List<SendMessageBatchEntry>? Entries);

internal sealed record ReceiveMessageRequest(
    string? QueueUrl,
    int? MaxNumberOfMessages,
    int? VisibilityTimeout,
    int? WaitTimeSeconds,
    List<string>? AttributeNames,
    List<string>? MessageSystemAttributeNames,
    List<string>? MessageAttributeNames,
    string? ReceiveRequestAttemptId);

internal sealed record DeleteMessageRequest(string? QueueUrl, string? ReceiptHandle);

internal sealed record DeleteMessageBatchEntry(string? Id, string? ReceiptHandle);

internal sealed record DeleteMessageBatchRequest(string? QueueUrl, List<DeleteMessageBatchEntry>? Entries);

internal sealed record ChangeMessageVisibilityRequest(string? QueueUrl, string? ReceiptHandle, int? VisibilityTimeout);

internal sealed record ChangeMessageVisibilityBatchEntry(string? Id, string? ReceiptHandle, int? VisibilityTimeout);

internal sealed record ChangeMessageVisibilityBatchRequest(string? QueueUrl, List<ChangeMessageVisibilityBatchEntry>? Entries);

internal sealed record EmptyResponse;

internal sealed record QueueUrlResponse(string QueueUrl);

internal sealed record ListQueuesResponse(List<string>? QueueUrls, string? NextToken);

internal sealed record ListDeadLetterSourceQueuesResponse([property: JsonPropertyName("queueUrls")] List<string> QueueUrls, string? NextToken);

internal sealed record AttributesResponse(Dictionary<string, string>? Attributes);

internal sealed record TagsResponse(Dictionary<string, string>? Tags);

internal sealed record SendMessageResponse(string MessageId, string MD5OfMessageBody, string? MD5OfMessageAttributes);

internal sealed record SendMessageBatchResultEntry(string Id, string MessageId, string MD5OfMessageBody, string? MD5OfMessageAttributes);

internal sealed record BatchResultErrorEntry(string Id, bool SenderFault, string Code, string Message);

internal sealed record SendMessageBatchResponse(List<SendMessageBatchResultEntry> Successful, List<BatchResultErrorEntry> Failed);

internal sealed record BatchResultEntry(string Id);

internal sealed record BatchResponse(List<BatchResultEntry> Successful, List<BatchResultErrorEntry> Failed);

internal sealed record MessageDto(
    string MessageId,
    string ReceiptHandle,
    string MD5OfBody,
    string Body,
    Dictionary<string, string>? Attributes,
    string? MD5OfMessageAttributes,
    Dictionary<string, MessageAttributeDto>? MessageAttributes);

internal sealed record ReceiveMessageResponse(List<MessageDto>? Messages);

[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(CreateQueueRequest))]
[JsonSerializable(typeof(GetQueueUrlRequest))]
[JsonSerializable(typeof(ListQueuesRequest))]
[JsonSerializable(typeof(QueueUrlRequest))]
[JsonSerializable(typeof(GetQueueAttributesRequest))]
[JsonSerializable(typeof(SetQueueAttributesRequest))]
[JsonSerializable(typeof(TagQueueRequest))]
[JsonSerializable(typeof(UntagQueueRequest))]
[JsonSerializable(typeof(ListDeadLetterSourceQueuesRequest))]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(SendMessageBatchRequest))]
[JsonSerializable(typeof(ReceiveMessageRequest))]
[JsonSerializable(typeof(DeleteMessageRequest))]
[JsonSerializable(typeof(DeleteMessageBatchRequest))]
[JsonSerializable(typeof(ChangeMessageVisibilityRequest))]
[JsonSerializable(typeof(ChangeMessageVisibilityBatchRequest))]
[JsonSerializable(typeof(EmptyResponse))]
[JsonSerializable(typeof(QueueUrlResponse))]
[JsonSerializable(typeof(ListQueuesResponse))]
[JsonSerializable(typeof(ListDeadLetterSourceQueuesResponse))]
[JsonSerializable(typeof(AttributesResponse))]
[JsonSerializable(typeof(TagsResponse))]
[JsonSerializable(typeof(SendMessageResponse))]
[JsonSerializable(typeof(SendMessageBatchResponse))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(ReceiveMessageResponse))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
internal sealed partial class SqsJson : JsonSerializerContext;
