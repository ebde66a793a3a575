using System.Globalization;
using FaceRecognition.Emulator.Auth;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Iam;

namespace FaceRecognition.Emulator.Lambda.Execution;

/// <summary>
/// What every execution environment of this emulator is given besides its function's own variables: the standard
/// Lambda variables, credentials to call the emulator with, and — as LocalStack's Lambda does — <c>AWS_ENDPOINT_URL</c>
/// naming the emulator, so that code using the AWS SDKs' standard configuration reaches it. The emulator's own
/// OpenTelemetry settings are passed on (with the function's name as the service), so a function's telemetry reaches
/// the same collector (the Aspire dashboard) as the emulator's.
/// </summary>
internal sealed class EnvironmentSettings(EmulatorOptions options, AccessControl access, Func<string> endpointUrl)
{
    /// <summary>Variables a function may not set, as Lambda refuses them (they are Lambda's own).</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal)
    {
        "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
    };

    private static readonly string[] s_telemetryVariables =
    [
        "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_BLRP_SCHEDULE_DELAY",
        "OTEL_BSP_SCHEDULE_DELAY", "OTEL_METRIC_EXPORT_INTERVAL", "OTEL_TRACES_SAMPLER", "OTEL_METRICS_EXEMPLAR_FILTER",
    ];

    public string EnvironmentsRoot { get; } = Path.Combine(Path.GetFullPath(options.DataDirectory), "lambda", "environments");

    public string Region => options.Region;

    /// <summary>The keys a function runs with: its execution role's principal's, or (for a role the emulator has no
    /// principal for) the first administrator's.</summary>
    public AccessKeyPair CredentialsFor(FunctionVersion function) => access.CredentialsForRole(function.Role) ?? options.ParsedCredentials()[0];

    public string EndpointUrl => endpointUrl();

    public IEnumerable<(string Name, string Value)> VariablesFor(FunctionVersion function, string environmentId, string runtimeApi, string temporaryDirectory)
    {
        var credentials = CredentialsFor(function);
        foreach (var name in s_telemetryVariables)
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value) yield return (name, value);
        }
        if (Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 })
        {
            yield return ("OTEL_SERVICE_NAME", function.Name);
            yield return ("OTEL_RESOURCE_ATTRIBUTES", $"service.instance.id={function.Name}-{environmentId},faas.name={function.Name}");
        }
        yield return ("PATH", "/usr/local/bin:/usr/bin:/bin");
        yield return ("LANG", "en_US.UTF-8");
        yield return ("TZ", ":UTC");
        yield return ("TMPDIR", temporaryDirectory);
        yield return ("LD_LIBRARY_PATH", $"{function.CodeDirectory}/lib:{function.CodeDirectory}");
        yield return ("AWS_ENDPOINT_URL", EndpointUrl);
        // The function's own variables, then Lambda's, which it cannot override.
        foreach (var (name, value) in function.Variables) yield return (name, value);
        yield return ("_HANDLER", function.Handler);
        yield return ("LAMBDA_TASK_ROOT", function.CodeDirectory);
        yield return ("LAMBDA_RUNTIME_DIR", function.CodeDirectory);
        yield return ("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        yield return ("AWS_LAMBDA_FUNCTION_NAME", function.Name);
        yield return ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        yield return ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", function.MemorySize.ToString(CultureInfo.InvariantCulture));
        yield return ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        yield return ("AWS_LAMBDA_LOG_GROUP_NAME", $"/aws/lambda/{function.Name}");
        yield return ("AWS_LAMBDA_LOG_STREAM_NAME", $"{DateTime.UtcNow:yyyy/MM/dd}/[$LATEST]{environmentId}");
        yield return ("AWS_REGION", options.Region);
        yield return ("AWS_DEFAULT_REGION", options.Region);
        yield return ("AWS_ACCESS_KEY_ID", credentials.AccessKey);
        yield return ("AWS_SECRET_ACCESS_KEY", credentials.SecretKey);
    }
}
