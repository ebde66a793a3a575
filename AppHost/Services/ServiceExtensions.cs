using FaceRecognition.AppHost.Cloud;
using FaceRecognition.AppHost.Functions;
using FaceRecognition.Cloud.Topology;

namespace FaceRecognition.AppHost.Services;

public static class ServiceExtensions
{
    public const string WebTierName = "web-tier";
    public const string AppTierPrefix = "app-tier-instance-";
    public const string VideoSplitName = TopologyNames.VideoSplitFunction;
    public const string FaceRecognitionName = TopologyNames.FaceRecognitionFunction;

    /// <summary>The image path: the web tier on port 8000 and the app-tier instances, all on the cloud.</summary>
    public static void AddImagePath(this IDistributedApplicationBuilder builder, CloudResource cloud)
    {
        var settings = ServiceSettings.From(builder.Configuration);

        var replicasWithOwnReplyQueues = new List<string>();
        for (var i = 1; i <= settings.WebTierReplicas; i++)
        {
            var webTier = builder.AddBuiltProject<Projects.WebTier>(i == 1 ? WebTierName : $"{WebTierName}-{i}", "FaceRecognition.WebTier",
                    i == 1 ? settings.WebTierPort : null)
                .WithCloud(cloud, SystemPermissions.WebTier)
                .WithEnvironment("WebTier__Mode", settings.Mode)
                .WithExternalHttpEndpoints()
                .WithUrls(context =>
                {
                    // Beside the endpoint itself, a link to the API's description.
                    if (context.Urls.FirstOrDefault(u => u.Endpoint?.EndpointName == "http") is { } http)
                    {
                        context.Urls.Add(new ResourceUrlAnnotation { Url = $"{http.Url.TrimEnd('/')}/api/openapi.json", DisplayText = "OpenAPI document", Endpoint = http.Endpoint });
                    }
                });
            if (i > 1)
            {
                // The first web tier replies on the provisioned response queue (as the one web tier does on AWS, where
                // the original's grader watches it); further replicas each on their own.
                webTier.WithEnvironment("WebTier__InstanceId", webTier.Resource.Name);
                replicasWithOwnReplyQueues.Add(webTier.Resource.Name);
            }
            if (settings.Autoscale && i == 1)
            {
                // One autoscaler for the fleet, as the original ran its controller in the web tier.
                webTier.WithEnvironment("Scaling__Enabled", "true")
                    .WithEnvironment("Scaling__MaxInstances", settings.AppTierReplicas.ToString(System.Globalization.CultureInfo.InvariantCulture));
                foreach (var (variable, value) in ServiceSettings.PassThrough(builder.Configuration, "Scaling"))
                {
                    webTier.WithEnvironment(variable, value);
                }
            }
            foreach (var (variable, value) in ServiceSettings.PassThrough(builder.Configuration, "WebTier"))
            {
                webTier.WithEnvironment(variable, value);
            }
        }

        ReplyQueueReaper.Add(builder, cloud, replicasWithOwnReplyQueues);

        var replicas = new List<string>();
        for (var i = 1; i <= settings.AppTierReplicas; i++)
        {
            var appTier = builder.AddBuiltProject<Projects.AppTier>($"{AppTierPrefix}{i}", "FaceRecognition.AppTier", port: null)
                .WithCloud(cloud, SystemPermissions.AppTier)
                .WithEnvironment("Recognition__Mode", settings.Mode);
            if (settings.LookupTable is { } table)
            {
                appTier.WithEnvironment("Recognition__LookupTable", table);
            }
            foreach (var (variable, value) in ServiceSettings.PassThrough(builder.Configuration, "AppTier"))
            {
                appTier.WithEnvironment(variable, value);
            }
            if (settings.Autoscale)
            {
                // Started and stopped by the reconciler, following EC2, not at the AppHost's start.
                appTier.WithExplicitStart();
            }
            replicas.Add(appTier.Resource.Name);
        }
        if (settings.Autoscale)
        {
            if (cloud.Backend != CloudBackend.Emulator)
            {
                throw new DistributedApplicationException("AppTier:Autoscale runs local replicas as EC2 instances through the emulator's EC2; use Cloud:Backend=Emulator.");
            }
            AppTierInstances.AddReconciler(builder, cloud, replicas);
        }
    }

    /// <summary>The video path: the two Lambda functions, deployed to the cloud by provisioning and shown in the dashboard;
    /// with <c>Lambda:Debug</c>, one of them as a project an IDE debugs.</summary>
    public static void AddVideoPath(this IDistributedApplicationBuilder builder, CloudResource cloud)
    {
        builder.AddFunctions(cloud);
        builder.AddDebuggedFunction(cloud);
    }
}
