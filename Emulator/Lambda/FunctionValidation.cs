using System.Text.RegularExpressions;
using FaceRecognition.Emulator.Lambda.Execution;

namespace FaceRecognition.Emulator.Lambda;

/// <summary>The checks Lambda makes on a function's settings, with its limits and wording.</summary>
internal static partial class FunctionValidation
{
    /// <summary>The runtimes the emulator runs: the OS-only ones, whose package brings its own <c>bootstrap</c>.</summary>
    public static readonly IReadOnlySet<string> Runtimes = new HashSet<string>(StringComparer.Ordinal) { "provided.al2023", "provided.al2" };

    public const int DefaultTimeout = 3;
    public const int DefaultMemorySize = 128;
    private const int MaxVariablesBytes = 4096;

    public static string Runtime(string? runtime)
    {
        if (runtime is null) throw LambdaErrors.InvalidParameter("The runtime parameter is required for functions with a .zip deployment package.");
        if (!Runtimes.Contains(runtime))
        {
            throw LambdaErrors.InvalidParameter(
                $"The runtime parameter of {runtime} is not supported by this emulator: use provided.al2023 or provided.al2, an OS-only runtime whose package starts with its own 'bootstrap'.");
        }
        return runtime;
    }

    public static string Role(string? role)
    {
        if (role is null) throw LambdaErrors.Validation("role", null, "Member must not be null");
        if (!RolePattern().IsMatch(role))
        {
            throw LambdaErrors.Validation("role", role, "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
        }
        return role;
    }

    public static string Handler(string? handler)
    {
        if (handler is null) return "";
        if (handler.Length > 128 || !HandlerPattern().IsMatch(handler))
        {
            throw LambdaErrors.Validation("handler", handler, "Member must satisfy regular expression pattern: [^\\s]+ and have length less than or equal to 128");
        }
        return handler;
    }

    public static int Timeout(int? timeout)
    {
        if (timeout is < 1 or > 900) throw LambdaErrors.Validation("timeout", timeout, "Member must have value between 1 and 900");
        return timeout ?? DefaultTimeout;
    }

    public static int MemorySize(int? memorySize)
    {
        if (memorySize is < 128 or > 10240) throw LambdaErrors.Validation("memorySize", memorySize, "Member must have value between 128 and 10240");
        return memorySize ?? DefaultMemorySize;
    }

    public static string Description(string? description)
    {
        if (description?.Length > 256) throw LambdaErrors.Validation("description", description, "Member must have length less than or equal to 256");
        return description ?? "";
    }

    public static void PackageAndArchitectures(string? packageType, IReadOnlyList<string>? architectures, IReadOnlyList<string>? layers)
    {
        if (packageType is not (null or "Zip")) throw LambdaErrors.NotSupported($"PackageType {packageType} (container images)");
        if (architectures is { Count: > 0 } && !architectures.SequenceEqual(["x86_64"]))
        {
            throw LambdaErrors.NotSupported($"Architectures [{string.Join(", ", architectures)}] (functions run on this x86_64 machine: use x86_64)");
        }
        if (layers is { Count: > 0 }) throw LambdaErrors.NotSupported("Layers");
    }

    public static Dictionary<string, string> Variables(Dictionary<string, string>? variables)
    {
        variables ??= [];
        var reserved = variables.Keys.Where(EnvironmentSettings.Reserved.Contains).ToList();
        if (reserved.Count > 0)
        {
            throw LambdaErrors.InvalidParameter(
                $"Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: {string.Join(", ", reserved)}");
        }
        foreach (var name in variables.Keys)
        {
            if (!VariableNamePattern().IsMatch(name))
            {
                throw LambdaErrors.Validation("environment.variables", name, "Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+");
            }
        }
        var size = variables.Sum(v => System.Text.Encoding.UTF8.GetByteCount(v.Key) + System.Text.Encoding.UTF8.GetByteCount(v.Value));
        if (size > MaxVariablesBytes)
        {
            throw LambdaErrors.InvalidParameter($"Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {size} bytes");
        }
        return new Dictionary<string, string>(variables, StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$")]
    private static partial Regex RolePattern();

    [GeneratedRegex(@"^[^\s]+$")]
    private static partial Regex HandlerPattern();

    [GeneratedRegex(@"^[a-zA-Z]([a-zA-Z0-9_])+$")]
    private static partial Regex VariableNamePattern();
}
