using System.Diagnostics;
using FaceRecognition.Cloud.Functions;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.AppHost.Cloud;

/// <summary>Waits for the backend to be healthy, provisions the topology, and reports the outcome as the provisioning
/// resource's state (Finished with exit code 0, or FailedToStart with the reason in its log). The services start once the
/// buckets and queues exist (<see cref="CloudResource.BucketsAndQueuesReady"/>), while the functions are still deployed.</summary>
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
                await WaitUntilServingAsync(cloud, server, notifications, stopping);
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
            cloud.ReportBucketsAndQueuesFailed(new OperationCanceledException("The AppHost is stopping."));
        }
        catch (Exception e)
        {
            cloud.ReportBucketsAndQueuesFailed(e);
            logger.LogError(e, "Provisioning the cloud failed; services that need it will not start");
            // Also where ./run.sh's user looks: the AppHost's own output.
            services.GetRequiredService<ILoggerFactory>().CreateLogger("FaceRecognition.AppHost")
                .LogError("Provisioning the cloud failed (see the {Resource} resource's log): {Reason}", CloudExtensions.ProvisioningName, e.Message);
            await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.FailedToStart, StopTimeStamp = DateTime.UtcNow });
        }
    }

    /// <summary>
    /// Until the backend answers: Aspire's health monitor, or (for the emulator) the emulator's health endpoint asked
    /// every tenth of a second, whichever says so first. The monitor re-checks an unhealthy resource only every few
    /// seconds, and everything else waits for provisioning.
    /// </summary>
    private static async Task WaitUntilServingAsync(CloudResource cloud, IResourceBuilder<IResourceWithEndpoints> server,
        ResourceNotificationService notifications, CancellationToken stopping)
    {
        using var answered = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var healthy = notifications.WaitForResourceHealthyAsync(server.Resource.Name, answered.Token);
        if (cloud.Backend == CloudBackend.Emulator)
        {
            await notifications.WaitForResourceAsync(server.Resource.Name, KnownResourceStates.Running, stopping);
            var health = new Uri(new Uri(cloud.Endpoint!.Url), "/_emulator/health");
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
            while (!healthy.IsCompleted)
            {
                try
                {
                    using var response = await http.GetAsync(health, stopping);
                    if (response.IsSuccessStatusCode)
                    {
                        await answered.CancelAsync();
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stopping.IsCancellationRequested)
                {
                }
                await Task.Delay(TimeSpan.FromMilliseconds(100), stopping);
            }
        }
        await healthy;
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
        var provisioner = new TopologyProvisioner(s3, sqs, logger);
        var started = Stopwatch.GetTimestamp();
        var queueArns = await provisioner.ProvisionBucketsAndQueuesAsync(topology, cancellationToken);
        logger.LogInformation("Buckets and queues ready in {Seconds:0.0} s: the services start", Stopwatch.GetElapsedTime(started).TotalSeconds);
        cloud.ReportBucketsAndQueuesReady();

        // The functions' packages may still be building (minutes on a first run); the services do not wait for them.
        if (await FunctionDeployment(cloud, lambda, services.GetRequiredService<IConfiguration>(), logger, cancellationToken) is { } deployment)
        {
            started = Stopwatch.GetTimestamp();
            await provisioner.ProvisionFunctionsAsync(topology, queueArns, deployment, cancellationToken);
            logger.LogInformation("Functions deployed in {Seconds:0.0} s", Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
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
