using FaceRecognition.Lambdas.Packaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.AppHost.Functions;

/// <summary>The step that builds the functions' deployment packages (or finds them up to date), shown in the dashboard
/// with its log; provisioning deploys what it built.</summary>
public sealed class FunctionPackagesResource(string name, PackageOptions options) : Resource(name)
{
    public PackageOptions Options { get; } = options;

    /// <summary>The packages, once built.</summary>
    public TaskCompletionSource<IReadOnlyList<PackageInfo>> Built { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

internal static class FunctionPackages
{
    public const string ResourceName = "lambda-packages";

    /// <summary>Adds the packaging step: on start, the packages of every function are brought up to date (a build takes a
    /// minute or two per function; an unchanged one a moment).</summary>
    public static IResourceBuilder<FunctionPackagesResource> AddFunctionPackages(this IDistributedApplicationBuilder builder, string repositoryRoot)
    {
        var output = builder.Configuration["Lambda:PackageDirectory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : PackageOptions.DefaultOutput(repositoryRoot);
        var resource = builder.AddResource(new FunctionPackagesResource(ResourceName, new PackageOptions(repositoryRoot, output)))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Lambda packages",
                State = KnownResourceStates.NotStarted,
                Properties = [new ResourcePropertySnapshot("Directory", output)],
            });
        builder.Eventing.Subscribe<InitializeResourceEvent>(resource.Resource, (e, cancellationToken) =>
        {
            _ = Task.Run(() => BuildAsync(resource.Resource, e.Services, e.Notifications, e.Logger), CancellationToken.None);
            return Task.CompletedTask;
        });
        return resource;
    }

    private static async Task BuildAsync(FunctionPackagesResource resource, IServiceProvider services, ResourceNotificationService notifications, ILogger logger)
    {
        var stopping = services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping;
        try
        {
            await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow });
            var packages = await new PackageBuilder(resource.Options, logger).EnsureAsync(cancellationToken: stopping);
            resource.Built.TrySetResult(packages);
            await notifications.PublishUpdateAsync(resource, s => s with
            {
                State = KnownResourceStates.Finished,
                ExitCode = 0,
                StopTimeStamp = DateTime.UtcNow,
                Properties = [.. s.Properties, .. packages.Select(p => new ResourcePropertySnapshot(p.Function, $"{p.Size:N0} bytes, SHA-256 {p.Sha256[..12]}…"))],
            });
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            resource.Built.TrySetCanceled(stopping);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Building the functions' deployment packages failed; the functions will not be deployed");
            // Also where ./run.sh's user looks: the AppHost's own output.
            services.GetRequiredService<ILoggerFactory>().CreateLogger("FaceRecognition.AppHost")
                .LogError("Building the functions' deployment packages failed (see the {Resource} resource's log): {Reason}", ResourceName, e.Message);
            resource.Built.TrySetException(e);
            await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.FailedToStart, StopTimeStamp = DateTime.UtcNow });
        }
    }
}
