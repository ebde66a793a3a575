using Microsoft.Extensions.Configuration;

namespace FaceRecognition.AppHost.Services;

/// <summary>
/// How the AppHost starts the web tier and the app-tier instances (<c>Services:Launch</c>):
/// <list type="bullet">
/// <item><c>project</c> (default): Aspire project resources. An IDE that runs the AppHost (F5 in Visual Studio, Rider,
/// VS Code) starts them under its debugger, with breakpoints and hot reload; <c>aspire run</c> works.</item>
/// <item><c>built</c>: their build output, as executables, fully optimised from the first request
/// (<see cref="BuiltProjects.WithFullyOptimisedCode{T}"/>). Without an IDE, a project resource runs through a
/// <c>dotnet run</c> wrapper; docs/architecture.md ("Processes") has what that costs in memory, start and stop, which is
/// why <c>./run.sh</c> and the end-to-end tests choose <c>built</c>.</item>
/// </list>
/// </summary>
internal enum ServiceLaunch
{
    Project,
    Built,
}

internal static class ServiceLaunchExtensions
{
    public const string Setting = "Services:Launch";

    public static ServiceLaunch From(IConfiguration configuration) => configuration[Setting]?.ToLowerInvariant() switch
    {
        null or "" or "project" => ServiceLaunch.Project,
        "built" => ServiceLaunch.Built,
        var other => throw new DistributedApplicationException($"{Setting} is '{other}'; use project or built."),
    };

    /// <summary>A project resource serving HTTP on 127.0.0.1 at the endpoint's port, with the same settings a built one gets.</summary>
    public static IResourceBuilder<ProjectResource> AddServiceProject<TProject>(this IDistributedApplicationBuilder builder, string name, int? port)
        where TProject : IProjectMetadata, new()
    {
        // No launch profile: the endpoint and environment come from here, as for the built executable.
        var resource = builder.AddProject<TProject>(name, launchProfileName: null)
            .WithHttpEndpoint(port: port, isProxied: false);
        var endpoint = resource.GetEndpoint("http");
        return resource
            .WithEnvironment("ASPNETCORE_URLS", ReferenceExpression.Create($"http://127.0.0.1:{endpoint.Property(EndpointProperty.TargetPort)}"))
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithHttpHealthCheck("/health");
    }
}
