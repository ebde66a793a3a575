using FaceRecognition.Emulator.Protocol;

namespace FaceRecognition.Emulator.Lambda;

/// <summary>Lambda's error codes and statuses (rendered as <c>x-amzn-ErrorType</c> and a JSON body), with messages that
/// say what to fix.</summary>
internal static class LambdaErrors
{
    public static AwsException FunctionNotFound(string arn) => new(404, "ResourceNotFoundException", $"Function not found: {arn}");

    public static AwsException MappingNotFound(string uuid) =>
        new(404, "ResourceNotFoundException", $"The resource you requested does not exist. (Event source mapping {uuid})");

    public static AwsException FunctionExists(string name) => new(409, "ResourceConflictException", $"Function already exist: {name}");

    public static AwsException Conflict(string message) => new(409, "ResourceConflictException", message);

    public static AwsException InvalidParameter(string message) => new(400, "InvalidParameterValueException", message);

    /// <summary>A parameter outside its modelled constraints (length, range, pattern), as AWS's request validation words it.</summary>
    public static AwsException Validation(string parameter, object? value, string constraint) =>
        new(400, "ValidationException", $"1 validation error detected: Value '{value}' at '{parameter}' failed to satisfy constraint: {constraint}");

    public static AwsException InvalidJson(string detail) =>
        new(400, "InvalidRequestContentException", $"Could not parse request body into json: {detail}");

    public static AwsException RequestTooLarge(string operation, long limit) =>
        new(413, "RequestEntityTooLargeException", $"Request must be smaller than {limit} bytes for the {operation} operation");

    public static AwsException PayloadTooLarge(long limit) =>
        new(413, "RequestTooLargeException", $"Request must be smaller than {limit} bytes for the Invoke operation");

    public static AwsException Throttled(string reason) =>
        new(429, "TooManyRequestsException", "Rate Exceeded.") { Reason = reason };

    public static AwsException PreconditionFailed(string revisionId) =>
        new(412, "PreconditionFailedException", $"The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id ({revisionId}).");

    public static AwsException UnknownOperation(string method, string path) =>
        new(404, "UnknownOperationException", $"No Lambda operation answers {method} {path} (the emulator implements the functions, invocations, concurrency, permissions and event source mappings APIs).");

    public static AwsException NotSupported(string what) => new(400, "InvalidParameterValueException", $"{what} is not supported by this emulator.");
}
