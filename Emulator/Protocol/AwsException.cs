namespace FaceRecognition.Emulator.Protocol;

/// <summary>
/// An error answered to the client in the shape of the service it called. Thrown anywhere in a handler; the
/// request pipeline renders it (S3: XML <c>Error</c>; SQS: JSON <c>__type</c> or query-protocol XML).
/// </summary>
public sealed class AwsException(int statusCode, string code, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>The error code clients switch on, such as <c>NoSuchKey</c> or <c>QueueDoesNotExist</c>.</summary>
    public string Code { get; } = code;

    /// <summary>For SQS: the code of the older query protocol, such as <c>AWS.SimpleQueueService.NonExistentQueue</c>.</summary>
    public string? QueryCode { get; init; }

    /// <summary>The S3 resource the error is about (bucket or key), echoed in the error document.</summary>
    public string? Resource { get; init; }

    /// <summary>For Lambda's throttling errors: why (its <c>Reason</c> field), e.g. ReservedFunctionConcurrentInvocationLimitExceeded.</summary>
    public string? Reason { get; init; }

    /// <summary>Whether the fault is the caller's (<c>Sender</c>) or the server's (<c>Receiver</c>).</summary>
    public bool IsSenderFault => StatusCode < 500;
}
