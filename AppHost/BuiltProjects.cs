using System.Reflection;

namespace FaceRecognition.AppHost;

/// <summary>
/// The system's processes are started from their compiled executables rather than through <c>dotnet run</c>: a
/// fraction of the memory, and they stop in about a second (measured in docs/architecture.md).
/// </summary>
internal static class BuiltProjects
{
    public static string Executable<TProject>(string assemblyName) where TProject : IProjectMetadata, new()
    {
        var projectDirectory = Path.GetDirectoryName(new TProject().ProjectPath)!;
        var configuration = typeof(BuiltProjects).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(projectDirectory, "bin", configuration, "net10.0", OperatingSystem.IsWindows() ? assemblyName + ".exe" : assemblyName);
        return File.Exists(path)
            ? path
            : throw new DistributedApplicationException($"'{path}' does not exist: build the solution ({configuration}) first, e.g. 'dotnet build -c {configuration}'.");
    }

    /// <summary>
    /// Fully optimised code from the first request: tiered compilation off, so the framework's precompiled (ReadyToRun)
    /// code runs as it is and every other method is compiled once by the optimising JIT. Under load this costs the least
    /// CPU per request (tiered code, with or without dynamic PGO, cost 1.3-3x as much over thousands of requests), and
    /// keeping the precompiled code costs nothing measurable against compiling everything, while the system is healthy
    /// and an instance answers seconds sooner (bench/Startup/REPORT.md). Set here rather than in the binaries
    /// because the emulator alone, measured over minutes in bench/Emulator, is fastest with tiered dynamic PGO.
    /// </summary>
    public static IResourceBuilder<T> WithFullyOptimisedCode<T>(this IResourceBuilder<T> resource) where T : IResourceWithEnvironment =>
        resource.WithEnvironment("DOTNET_TieredCompilation", "0");

    /// <summary>An executable resource for a built project, serving HTTP on 127.0.0.1 at the endpoint's port.</summary>
    public static IResourceBuilder<ExecutableResource> AddBuiltProject<TProject>(this IDistributedApplicationBuilder builder, string name,
        string assemblyName, int? port) where TProject : IProjectMetadata, new()
    {
        var executable = Executable<TProject>(assemblyName);
        var resource = builder.AddExecutable(name, executable, Path.GetDirectoryName(executable)!)
            .WithHttpEndpoint(port: port, isProxied: false)
            .WithOtlpExporter()
            .WithFullyOptimisedCode();
        var endpoint = resource.GetEndpoint("http");
        return resource
            .WithEnvironment("ASPNETCORE_URLS", ReferenceExpression.Create($"http://127.0.0.1:{endpoint.Property(EndpointProperty.TargetPort)}"))
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithHttpHealthCheck("/health");
    }
}
