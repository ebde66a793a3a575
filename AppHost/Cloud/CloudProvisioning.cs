using FaceRecognition.Cloud.Functions;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.AppHost.Cloud;

/// <summary>Waits for the backend to be healthy, provisions the topology, and reports the outcome as the provisioning
/// resource's state (Finished with exit code 0, or FailedToStart with the reason in its log).</summary>
internal static class CloudProvisioning
{
    public static async Task RunAsync(CloudResource cloud, CloudTopology topology, IServiceProvider services,
        ResourceNotificationService notifications, ILogger logger)
    {
        var resource = cloud.Provisioning.Resource;
        var stopping = services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping;
        try
        {
            if (cloud.Server is { } server)
            {
                await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Waiting });
                await notifications.WaitForResourceHealthyAsync(server.Resource.Name, stopping);
            }
            await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow });

            await ProvisionAsync(cloud, topology, services, logger, stopping);

            await notifications.PublishUpdateAsync(resource, s => s with
            {
                State = KnownResourceStates.Finished,
                ExitCode = 0,
                StopTimeStamp = DateTime.UtcNow,
            });
            Announce(cloud, await cloud.AdministratorOptionsAsync(stopping), services.GetRequiredService<ILoggerFactory>().CreateLogger("FaceRecognition.AppHost"));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Provisioning the cloud failed; services that need it will not start");
            // Also where ./run.sh's user looks: the AppHost's own output.
            services.GetRequiredService<ILoggerFactory>().CreateLogger("FaceRecognition.AppHost")
                .LogError("Provisioning the cloud failed (see the {Resource} resource's log): {Reason}", CloudExtensions.ProvisioningName, e.Message);
            await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.FailedToStart, StopTimeStamp = DateTime.UtcNow });
        }
    }

    /// <summary>Creates what the topology names and is missing, and brings what differs back to it: buckets, queues,
    /// notifications, functions. Idempotent; at start and by the dashboard's re-provision command.</summary>
    public static async Task ProvisionAsync(CloudResource cloud, CloudTopology topology, IServiceProvider services, ILogger logger,
        CancellationToken cancellationToken)
    {
        var options = await cloud.AdministratorOptionsAsync(cancellationToken);
        using var s3 = AwsClients.CreateS3(options);
        using var sqs = AwsClients.CreateSqs(options);
        using var lambda = LambdaApi.Create(options.ServiceUrl, options.Region, AwsClients.Credentials(options));
        var deployment = await FunctionDeployment(cloud, lambda, services.GetRequiredService<IConfiguration>(), logger, cancellationToken);
        await new TopologyProvisioner(s3, sqs, logger, deployment).ProvisionAsync(topology, cancellationToken);
    }

    /// <summary>The functions' packages (waiting for the packaging step) and roles. Locally any role name does; on AWS the
    /// role comes from <c>Cloud:FunctionRole</c> (an ARN with <c>{function}</c> in it), without which functions are skipped.</summary>
    private static async Task<FunctionDeployment?> FunctionDeployment(CloudResource cloud, LambdaApi lambda, IConfiguration configuration, ILogger logger,
        CancellationToken cancellationToken)
    {
        // The role each function runs with: locally the emulator gives it that role's keys (when IAM is enforced).
        string RoleArn(string function) => $"arn:aws:iam::{CloudExtensions.EmulatorAccount}:role/{SystemPermissions.RoleName(new TopologyNames(cloud.Prefix), function)}";
        Func<string, string> role = RoleArn;
        if (cloud.Backend == CloudBackend.Aws)
        {
            if (configuration["Cloud:FunctionRole"] is not { Length: > 0 } template)
            {
                logger.LogWarning("Cloud:FunctionRole is not set, so the functions are not deployed to AWS: set it to an IAM role ARN for them ({{function}} is replaced by each function's name)");
                return null;
            }
            role = function => template.Replace("{function}", function, StringComparison.Ordinal);
        }
        var packages = await cloud.Packages.Resource.Built.Task.WaitAsync(cancellationToken);
        return new FunctionDeployment(lambda, function =>
        {
            var package = packages.FirstOrDefault(p => p.Function == function)
                ?? throw new InvalidOperationException($"No deployment package was built for function {function}.");
            return new FunctionPackage(Path.Combine(cloud.Packages.Resource.Options.OutputDirectory, package.File), package.CodeSha256, package.Size);
        }, role);
    }

    /// <summary>Prints, once, how to reach the local cloud with any AWS client (the README's quick start points here).</summary>
    private static void Announce(CloudResource cloud, AwsOptions options, ILogger logger)
    {
        if (options.ServiceUrl is null)
        {
            logger.LogInformation("Cloud: AWS {Region}, resources prefixed '{Prefix}', provisioned", cloud.Region, cloud.Prefix);
            return;
        }
        // The secret key stays out of every log: scripts/cloud-env.sh reads it from the AppHost's user secrets.
        logger.LogInformation(
            """
            Cloud ready: {Backend} at {Endpoint} (region {Region}), resources prefixed '{Prefix}', administrator key {AccessKey}. Point any AWS client at it:
                eval "$(scripts/cloud-env.sh {Endpoint} {Region})"
                aws s3 ls
            """,
            cloud.Backend, options.ServiceUrl, options.Region, cloud.Prefix, options.AccessKey, options.ServiceUrl, options.Region);
    }
}
