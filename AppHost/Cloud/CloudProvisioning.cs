using FaceRecognition.Cloud.Topology;
using FaceRecognition.ServiceDefaults;
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

            var options = await ClientOptions(cloud, stopping);
            using var s3 = AwsClients.CreateS3(options);
            using var sqs = AwsClients.CreateSqs(options);
            await new TopologyProvisioner(s3, sqs, logger).ProvisionAsync(topology, stopping);

            await notifications.PublishUpdateAsync(resource, s => s with
            {
                State = KnownResourceStates.Finished,
                ExitCode = 0,
                StopTimeStamp = DateTime.UtcNow,
            });
            Announce(cloud, options, services.GetRequiredService<ILoggerFactory>().CreateLogger("FaceRecognition.AppHost"));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Provisioning the cloud failed; services that need it will not start");
            await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.FailedToStart, StopTimeStamp = DateTime.UtcNow });
        }
    }

    private static async Task<AwsOptions> ClientOptions(CloudResource cloud, CancellationToken cancellationToken)
    {
        if (cloud.Endpoint is null) return new AwsOptions { Region = cloud.Region };
        return new AwsOptions
        {
            ServiceUrl = cloud.Endpoint.Url,
            Region = cloud.Region,
            AccessKey = await cloud.AccessKey!.Resource.GetValueAsync(cancellationToken),
            SecretKey = await cloud.SecretKey!.Resource.GetValueAsync(cancellationToken),
        };
    }

    /// <summary>Prints, once, how to reach the local cloud with any AWS client (the README's quick start points here).</summary>
    private static void Announce(CloudResource cloud, AwsOptions options, ILogger logger)
    {
        if (options.ServiceUrl is null)
        {
            logger.LogInformation("Cloud: AWS {Region}, resources prefixed '{Prefix}', provisioned", cloud.Region, cloud.Prefix);
            return;
        }
        logger.LogInformation(
            """
            Cloud ready: {Backend} at {Endpoint} (region {Region}), resources prefixed '{Prefix}'. Point any AWS client at it:
                export AWS_ACCESS_KEY_ID={AccessKey} AWS_SECRET_ACCESS_KEY={SecretKey} AWS_DEFAULT_REGION={Region}
                aws --endpoint-url {Endpoint} s3 ls
            """,
            cloud.Backend, options.ServiceUrl, options.Region, cloud.Prefix, options.AccessKey, options.SecretKey, options.Region, options.ServiceUrl);
    }
}
