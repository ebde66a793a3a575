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
    /// Fully optimised code from the first request: tiered compilation off, and the framework's precompiled
    /// (ReadyToRun) code set aside so that every method is compiled once by the optimising JIT. Measured in
    /// bench/EndToEnd (CPU per lookup request for emulator + web tier + app tier): tiered, as shipped, 4.4-6.0 ms
    /// and still falling after 7000 requests; tiered without dynamic PGO 4.2 ms falling to 2.0 ms over about 5000;
    /// tiered compilation off but ReadyToRun kept 3.0 ms (precompiled code is not inlined across assemblies and is
    /// never recompiled); both off 2.1-2.5 ms from the first run. The price is start-up: the system is healthy about
    /// 8 s later on 2 cores (18 s instead of 10). Set here rather than in the binaries because the emulator alone,
    /// measured over minutes in bench/Emulator, is fastest with tiered dynamic PGO. (The end-to-end suite took as long
    /// with the runtime's defaults: their quicker start is spent again under load.)
    /// </summary>
    public static IResourceBuilder<T> WithFullyOptimisedCode<T>(this IResourceBuilder<T> resource) where T : IResourceWithEnvironment =>
        resource.WithEnvironment("DOTNET_TieredCompilation", "0").WithEnvironment("DOTNET_ReadyToRun", "0");

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
