using FaceRecognition.Emulator.Protocol;

namespace FaceRecognition.Emulator.Sqs;

/// <summary>SQS's errors: the JSON protocol's <c>__type</c> name and the query protocol's code, which the SDK reads from
/// <c>x-amzn-query-error</c> to raise the same exception types as before the JSON protocol.</summary>
internal static class SqsErrors
{
    public static AwsException QueueDoesNotExist(string? name) =>
        Error(400, "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", $"The specified queue '{name}' does not exist.");

    public static AwsException QueueNameExists(string name) =>
        Error(400, "QueueNameExists", "QueueAlreadyExists", $"A queue named '{name}' already exists with different attributes.");

    public static AwsException InvalidAttributeName(string name) =>
        Error(400, "InvalidAttributeName", "InvalidAttributeName", $"Unknown Attribute {name}.");

    public static AwsException InvalidAttributeValue(string message) =>
        Error(400, "InvalidAttributeValue", "InvalidAttributeValue", message);

    public static AwsException InvalidParameterValue(string message) =>
        Error(400, "InvalidParameterValue", "InvalidParameterValue", message);

    public static AwsException MissingParameter(string name) =>
        Error(400, "MissingParameter", "MissingParameter", $"The request must contain the parameter {name}.");

    public static AwsException InvalidMessageContents(string message) =>
        Error(400, "InvalidMessageContents", "InvalidMessageContents", message);

    public static AwsException ReceiptHandleIsInvalid(string? handle) =>
        Error(400, "ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", $"The input receipt handle \"{handle}\" is not a valid receipt handle.");

    public static AwsException MessageNotInflight() =>
        Error(400, "MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight", "The message referred to is not in flight.");

    public static AwsException EmptyBatchRequest() =>
        Error(400, "EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", "There should be at least one entry in the request.");

    public static AwsException TooManyEntriesInBatchRequest(int count) =>
        Error(400, "TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", $"Maximum number of entries per request are 10. You have sent {count}.");

    public static AwsException BatchEntryIdsNotDistinct(string id) =>
        Error(400, "BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", $"Id {id} repeated.");

    public static AwsException InvalidBatchEntryId(string? id) =>
        Error(400, "InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId",
            $"A batch entry id can only contain alphanumeric characters, hyphens and underscores, at most 80; '{id}' does not.");

    public static AwsException BatchRequestTooLong(long size, int max) =>
        Error(400, "BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong", $"Batch requests cannot be longer than {max} bytes. You have sent {size} bytes.");

    public static AwsException UnsupportedOperation(string message) =>
        Error(400, "UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", message);

    public static AwsException UnknownOperation(string? operation) =>
        Error(400, "UnknownOperationException", "InvalidAction", $"The action '{operation}' is not valid for this endpoint.");

    public static AwsException Serialization(string message) =>
        Error(400, "SerializationException", "MalformedQueryString", message);

    public static AwsException RequestTooLarge(int max) =>
        Error(413, "RequestEntityTooLarge", "RequestEntityTooLarge", $"The request body is larger than {max} bytes.");

    private static AwsException Error(int status, string code, string queryCode, string message) =>
        new(status, code, message) { QueryCode = queryCode };
}
