using System.Text.Json.Serialization;

namespace FaceRecognition.Cloud.Functions;

// The Lambda API's shapes this client uses (REST-JSON; member names are Lambda's own). The AWS SDK for .NET's Lambda
// client is not among the packages this repository may use; the API is small enough to call directly.

public sealed record FunctionCodeSource
{
    public byte[]? ZipFile { get; init; }
    public string? S3Bucket { get; init; }
    public string? S3Key { get; init; }
}

public sealed record FunctionEnvironment(Dictionary<string, string> Variables);

public sealed record CreateFunctionRequest
{
    public required string FunctionName { get; init; }
    public required string Runtime { get; init; }
    public required string Role { get; init; }
    public required string Handler { get; init; }
    public required FunctionCodeSource Code { get; init; }
    public int Timeout { get; init; }
    public int MemorySize { get; init; }
    public string? Description { get; init; }
    public FunctionEnvironment? Environment { get; init; }
    public List<string> Architectures { get; init; } = ["x86_64"];
}

public sealed record UpdateFunctionConfigurationRequest
{
    public int Timeout { get; init; }
    public int MemorySize { get; init; }
    public FunctionEnvironment? Environment { get; init; }
}

public sealed record FunctionConfiguration
{
    public string FunctionName { get; init; } = "";
    public string FunctionArn { get; init; } = "";
    public string CodeSha256 { get; init; } = "";
    public int Timeout { get; init; }
    public int MemorySize { get; init; }
    public FunctionEnvironment? Environment { get; init; }
    public string? State { get; init; }
    public string? LastUpdateStatus { get; init; }
}

public sealed record ConcurrencySettings(int? ReservedConcurrentExecutions);

/// <summary>Where the deployed package can be downloaded (a URL valid for a few minutes on AWS).</summary>
public sealed record FunctionCodeLocation(string? RepositoryType, string? Location);

public sealed record GetFunctionResponse
{
    public FunctionConfiguration Configuration { get; init; } = new();
    public FunctionCodeLocation? Code { get; init; }
    public ConcurrencySettings? Concurrency { get; init; }
}

public sealed record ScalingConfig(int? MaximumConcurrency);

public sealed record EventSourceMappingRequest
{
    public string? EventSourceArn { get; init; }
    public string? FunctionName { get; init; }
    public int BatchSize { get; init; }
    public int MaximumBatchingWindowInSeconds { get; init; }
    public bool Enabled { get; init; } = true;
    public List<string> FunctionResponseTypes { get; init; } = [];
    public ScalingConfig? ScalingConfig { get; init; }
}

public sealed record EventSourceMapping
{
    public string UUID { get; init; } = "";
    public string EventSourceArn { get; init; } = "";
    public string FunctionArn { get; init; } = "";
    public int BatchSize { get; init; }
    public int MaximumBatchingWindowInSeconds { get; init; }
    public List<string>? FunctionResponseTypes { get; init; }
    public ScalingConfig? ScalingConfig { get; init; }
    public string? State { get; init; }
}

public sealed record ListEventSourceMappingsResponse(List<EventSourceMapping> EventSourceMappings, string? NextMarker);

internal sealed record ErrorBody(
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("Message")] string? MessageCapitalised);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.Unspecified)]
[JsonSerializable(typeof(CreateFunctionRequest))]
[JsonSerializable(typeof(UpdateFunctionConfigurationRequest))]
[JsonSerializable(typeof(FunctionCodeSource))]
[JsonSerializable(typeof(FunctionConfiguration))]
[JsonSerializable(typeof(GetFunctionResponse))]
[JsonSerializable(typeof(FunctionCodeLocation))]
[JsonSerializable(typeof(ConcurrencySettings))]
[JsonSerializable(typeof(EventSourceMappingRequest))]
[JsonSerializable(typeof(EventSourceMapping))]
[JsonSerializable(typeof(ListEventSourceMappingsResponse))]
[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class LambdaApiJson : JsonSerializerContext;
