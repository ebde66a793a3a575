using System.Text.Json.Serialization;

namespace FaceRecognition.Emulator.Lambda;

// Lambda's REST-JSON shapes, as the AWS SDKs and CLI send and read them (member names are Lambda's own).

internal sealed class FunctionCode
{
    /// <summary>The zip, base64 (JSON); the CLI's <c>--zip-file fileb://</c> sends this.</summary>
    public byte[]? ZipFile { get; set; }
    public string? S3Bucket { get; set; }
    public string? S3Key { get; set; }
    public string? S3ObjectVersion { get; set; }
    public string? ImageUri { get; set; }
}

internal sealed class EnvironmentDto
{
    public Dictionary<string, string>? Variables { get; set; }
}

internal sealed class DeadLetterConfigDto
{
    public string? TargetArn { get; set; }
}

internal sealed class CreateFunctionRequest
{
    public string? FunctionName { get; set; }
    public string? Runtime { get; set; }
    public string? Role { get; set; }
    public string? Handler { get; set; }
    public FunctionCode? Code { get; set; }
    public string? Description { get; set; }
    public int? Timeout { get; set; }
    public int? MemorySize { get; set; }
    public bool? Publish { get; set; }
    public string? PackageType { get; set; }
    public EnvironmentDto? Environment { get; set; }
    public DeadLetterConfigDto? DeadLetterConfig { get; set; }
    public Dictionary<string, string>? Tags { get; set; }
    public List<string>? Architectures { get; set; }
    public List<string>? Layers { get; set; }
}

internal sealed class UpdateFunctionCodeRequest
{
    public byte[]? ZipFile { get; set; }
    public string? S3Bucket { get; set; }
    public string? S3Key { get; set; }
    public string? S3ObjectVersion { get; set; }
    public string? ImageUri { get; set; }
    public bool? Publish { get; set; }
    public bool? DryRun { get; set; }
    public string? RevisionId { get; set; }
    public List<string>? Architectures { get; set; }
}

internal sealed class UpdateFunctionConfigurationRequest
{
    public string? Role { get; set; }
    public string? Handler { get; set; }
    public string? Description { get; set; }
    public int? Timeout { get; set; }
    public int? MemorySize { get; set; }
    public EnvironmentDto? Environment { get; set; }
    public string? Runtime { get; set; }
    public DeadLetterConfigDto? DeadLetterConfig { get; set; }
    public string? RevisionId { get; set; }
    public List<string>? Layers { get; set; }
}

internal sealed record FunctionConfiguration(
    string FunctionName,
    string FunctionArn,
    string Runtime,
    string Role,
    string Handler,
    long CodeSize,
    string Description,
    int Timeout,
    int MemorySize,
    string LastModified,
    string CodeSha256,
    string Version,
    EnvironmentDto? Environment,
    DeadLetterConfigDto? DeadLetterConfig,
    string RevisionId,
    string State,
    string LastUpdateStatus,
    string PackageType,
    IReadOnlyList<string> Architectures,
    EphemeralStorageDto EphemeralStorage,
    TracingConfigDto TracingConfig,
    LoggingConfigDto LoggingConfig);

internal sealed record EphemeralStorageDto(int Size);

internal sealed record TracingConfigDto(string Mode);

internal sealed record LoggingConfigDto(string LogFormat, string LogGroup);

internal sealed record FunctionCodeLocation(string RepositoryType, string Location);

internal sealed record ConcurrencyDto(int? ReservedConcurrentExecutions);

internal sealed record GetFunctionResponse(FunctionConfiguration Configuration, FunctionCodeLocation Code, IReadOnlyDictionary<string, string>? Tags,
    ConcurrencyDto? Concurrency);

internal sealed record ListFunctionsResponse(IReadOnlyList<FunctionConfiguration> Functions, string? NextMarker);

internal sealed class PutConcurrencyRequest
{
    public int? ReservedConcurrentExecutions { get; set; }
}

internal sealed class AddPermissionRequest
{
    public string? StatementId { get; set; }
    public string? Action { get; set; }
    public string? Principal { get; set; }
    public string? SourceArn { get; set; }
    public string? SourceAccount { get; set; }
    public string? EventSourceToken { get; set; }
    public string? RevisionId { get; set; }
    public string? PrincipalOrgID { get; set; }
    public string? FunctionUrlAuthType { get; set; }
}

internal sealed record AddPermissionResponse(string Statement);

internal sealed record GetPolicyResponse(string Policy, string RevisionId);

internal sealed class EventInvokeConfigRequest
{
    public int? MaximumRetryAttempts { get; set; }
    public int? MaximumEventAgeInSeconds { get; set; }
}

internal sealed record EventInvokeConfigResponse(string FunctionArn, double LastModified, int MaximumRetryAttempts, int MaximumEventAgeInSeconds);

internal sealed class ScalingConfigDto
{
    public int? MaximumConcurrency { get; set; }
}

internal sealed class EventSourceMappingRequest
{
    public string? EventSourceArn { get; set; }
    public string? FunctionName { get; set; }
    public bool? Enabled { get; set; }
    public int? BatchSize { get; set; }
    public int? MaximumBatchingWindowInSeconds { get; set; }
    public List<string>? FunctionResponseTypes { get; set; }
    public ScalingConfigDto? ScalingConfig { get; set; }
    public string? StartingPosition { get; set; }
}

internal sealed record EventSourceMappingConfiguration(
    string UUID,
    int BatchSize,
    int MaximumBatchingWindowInSeconds,
    string EventSourceArn,
    string FunctionArn,
    double LastModified,
    string LastProcessingResult,
    string State,
    string StateTransitionReason,
    IReadOnlyList<string> FunctionResponseTypes,
    ScalingConfigDto? ScalingConfig);

internal sealed record ListEventSourceMappingsResponse(IReadOnlyList<EventSourceMappingConfiguration> EventSourceMappings, string? NextMarker);

internal sealed record TagsResponse(IReadOnlyDictionary<string, string> Tags);

internal sealed class TagResourceRequest
{
    public Dictionary<string, string>? Tags { get; set; }
}

internal sealed record AccountLimit(long TotalCodeSize, long CodeSizeUnzipped, long CodeSizeZipped, int ConcurrentExecutions, int UnreservedConcurrentExecutions);

internal sealed record AccountUsage(long TotalCodeSize, long FunctionCount);

internal sealed record AccountSettingsResponse(AccountLimit AccountLimit, AccountUsage AccountUsage);

/// <summary>An error's JSON body (the code travels in <c>x-amzn-ErrorType</c>).</summary>
internal sealed record LambdaErrorBody(
    [property: JsonPropertyName("Type")] string Type,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("Reason")] string? Reason);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.Unspecified)]
[JsonSerializable(typeof(CreateFunctionRequest))]
[JsonSerializable(typeof(UpdateFunctionCodeRequest))]
[JsonSerializable(typeof(UpdateFunctionConfigurationRequest))]
[JsonSerializable(typeof(FunctionConfiguration))]
[JsonSerializable(typeof(GetFunctionResponse))]
[JsonSerializable(typeof(ListFunctionsResponse))]
[JsonSerializable(typeof(PutConcurrencyRequest))]
[JsonSerializable(typeof(ConcurrencyDto))]
[JsonSerializable(typeof(AddPermissionRequest))]
[JsonSerializable(typeof(AddPermissionResponse))]
[JsonSerializable(typeof(GetPolicyResponse))]
[JsonSerializable(typeof(EventInvokeConfigRequest))]
[JsonSerializable(typeof(EventInvokeConfigResponse))]
[JsonSerializable(typeof(EventSourceMappingRequest))]
[JsonSerializable(typeof(EventSourceMappingConfiguration))]
[JsonSerializable(typeof(ListEventSourceMappingsResponse))]
[JsonSerializable(typeof(TagsResponse))]
[JsonSerializable(typeof(TagResourceRequest))]
[JsonSerializable(typeof(AccountSettingsResponse))]
[JsonSerializable(typeof(LambdaErrorBody))]
internal sealed partial class LambdaJson : JsonSerializerContext;
