using System.Text.Json.Serialization;

namespace FaceRecognition.Emulator.Lambda.Execution;

/// <summary>The error document a runtime posts to <c>/invocation/{id}/error</c> or <c>/init/error</c>, and that Lambda
/// answers for its own errors (timeouts, crashes).</summary>
internal sealed record RuntimeErrorDocument(
    [property: JsonPropertyName("errorMessage")] string? ErrorMessage,
    [property: JsonPropertyName("errorType")] string? ErrorType,
    [property: JsonPropertyName("stackTrace")] IReadOnlyList<string>? StackTrace = null);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RuntimeErrorDocument))]
internal sealed partial class RuntimeApiJson : JsonSerializerContext;
