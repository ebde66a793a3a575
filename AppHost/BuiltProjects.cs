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

    /// <summary>An executable resource for a built project, serving HTTP on 127.0.0.1 at the endpoint's port.</summary>
    public static IResourceBuilder<ExecutableResource> AddBuiltProject<TProject>(this IDistributedApplicationBuilder builder, string name,
        string assemblyName, int? port) where TProject : IProjectMetadata, new()
    {
        var executable = Executable<TProject>(assemblyName);
        var resource = builder.AddExecutable(name, executable, Path.GetDirectoryName(executable)!)
            .WithHttpEndpoint(port: port, isProxied: false)
            .WithOtlpExporter();
        var endpoint = resource.GetEndpoint("http");
        return resource
            .WithEnvironment("ASPNETCORE_URLS", ReferenceExpression.Create($"http://127.0.0.1:{endpoint.Property(EndpointProperty.TargetPort)}"))
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithHttpHealthCheck("/health");
    }
}
