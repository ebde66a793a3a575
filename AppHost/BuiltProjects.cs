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
    /// Fully optimised code from the first request (tiered compilation off). Measured in bench/EndToEnd: with tiered
    /// compilation the system needed several thousand requests to reach full speed (1000 lookup requests: 3.6 s cold,
    /// 2.2 s after 6000; off: 1.7-2.0 s from the start); counting calls without the start-up delay did not help.
    /// Set here rather than in the binaries because the emulator alone, measured over minutes in bench/Emulator, is
    /// faster with tiered dynamic PGO (its ratios to fauxqs fell to 0.53-0.95x with tiered compilation off).
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
