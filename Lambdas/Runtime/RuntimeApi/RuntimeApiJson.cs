using System.Text.Json.Serialization;

namespace FaceRecognition.Lambdas.Runtime.RuntimeApi;

/// <summary>The error body the Runtime API takes.</summary>
public sealed record RuntimeError(
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("errorType")] string ErrorType,
    [property: JsonPropertyName("stackTrace")] IReadOnlyList<string> StackTrace);

/// <summary>An SQS event as Lambda delivers it when a function is fed by an SQS event source mapping.</summary>
internal sealed record SqsEvent([property: JsonPropertyName("Records")] IReadOnlyList<SqsEventRecord> Records);

internal sealed record SqsEventRecord(
    [property: JsonPropertyName("messageId")] string MessageId,
    [property: JsonPropertyName("receiptHandle")] string? ReceiptHandle,
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("attributes")] IReadOnlyDictionary<string, string>? Attributes,
    [property: JsonPropertyName("eventSource")] string? EventSource,
    [property: JsonPropertyName("eventSourceARN")] string? EventSourceArn)
{
    /// <summary>How often the message has been received, this time included.</summary>
    public int ReceiveCount => Attributes?.TryGetValue("ApproximateReceiveCount", out var text) == true &&
        int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var count) ? count : 1;
}

/// <summary>The partial-batch response (ReportBatchItemFailures): the records to retry.</summary>
internal sealed record BatchResponse([property: JsonPropertyName("batchItemFailures")] IReadOnlyList<BatchItemFailure> BatchItemFailures);

internal sealed record BatchItemFailure([property: JsonPropertyName("itemIdentifier")] string ItemIdentifier);

[JsonSerializable(typeof(RuntimeError))]
[JsonSerializable(typeof(SqsEvent))]
[JsonSerializable(typeof(BatchResponse))]
internal sealed partial class RuntimeApiJson : JsonSerializerContext;
