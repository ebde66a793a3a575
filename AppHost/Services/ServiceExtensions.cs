using FaceRecognition.AppHost.Cloud;
using FaceRecognition.AppHost.Functions;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.ServiceDefaults;

namespace FaceRecognition.AppHost.Services;

public static class ServiceExtensions
{
    public const string WebTierName = "web-tier";
    public const string AppTierPrefix = "app-tier-instance-";
    public const string VideoSplitName = TopologyNames.VideoSplitFunction;
    public const string FaceRecognitionName = TopologyNames.FaceRecognitionFunction;

    /// <summary>The web tier's API key (<c>X-Api-Key</c>): generated on the first run and kept in the AppHost's user
    /// secrets; <c>Parameters__api-key</c> sets it, <c>scripts/api-key.sh</c> prints it.</summary>
    public const string ApiKeyParameter = "api-key";

    /// <summary>The image path: the web tier on port 8000 and the app-tier instances, all on the cloud, started as
    /// <c>Services:Launch</c> says (<see cref="ServiceLaunch"/>).</summary>
    public static void AddImagePath(this IDistributedApplicationBuilder builder, CloudResource cloud)
    {
        var settings = ServiceSettings.From(builder.Configuration);
        var launch = ServiceLaunchExtensions.From(builder.Configuration);
        var apiKey = builder.AddParameter(ApiKeyParameter, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

        var replicasWithOwnReplyQueues = new List<string>();
        for (var i = 1; i <= settings.WebTierReplicas; i++)
        {
            var (name, port) = (i == 1 ? WebTierName : $"{WebTierName}-{i}", i == 1 ? settings.WebTierPort : null);
            var ownReplyQueue = launch == ServiceLaunch.Project
                ? builder.AddServiceProject<Projects.WebTier>(name, port).AsEc2Instance(cloud, i).ConfigureWebTier(builder, cloud, settings, apiKey, first: i == 1)
                : builder.AddBuiltProject<Projects.WebTier>(name, "FaceRecognition.WebTier", port).AsEc2Instance(cloud, i).ConfigureWebTier(builder, cloud, settings, apiKey, first: i == 1);
            if (ownReplyQueue)
            {
                replicasWithOwnReplyQueues.Add(name);
            }
        }

        ReplyQueueReaper.Add(builder, cloud, replicasWithOwnReplyQueues);

        var replicas = new List<string>();
        for (var i = 1; i <= settings.AppTierReplicas; i++)
        {
            var name = $"{AppTierPrefix}{i}";
            if (launch == ServiceLaunch.Project)
            {
                builder.AddServiceProject<Projects.AppTier>(name, port: null).ConfigureAppTier(builder, cloud, settings);
            }
            else
            {
                builder.AddBuiltProject<Projects.AppTier>(name, "FaceRecognition.AppTier", port: null).ConfigureAppTier(builder, cloud, settings);
            }
            replicas.Add(name);
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

    /// <returns>Whether this web tier reads its own reply queue (every replica but the first).</returns>
    private static bool ConfigureWebTier<T>(this IResourceBuilder<T> webTier, IDistributedApplicationBuilder builder, CloudResource cloud,
        ServiceSettings settings, IResourceBuilder<ParameterResource> apiKey, bool first) where T : IResourceWithEnvironment, IResourceWithEndpoints, IResourceWithWaitSupport
    {
        webTier.WithCloud(cloud, SystemPermissions.WebTier)
            .WithEnvironment(SettingNames.Variable(SettingNames.WebTier.Mode), settings.Mode)
            .WithEnvironment(SettingNames.Variable(SettingNames.FrontDoor.ApiKey), apiKey)
            .WithExternalHttpEndpoints()
            .WithUrls(context =>
            {
                // Beside the endpoint itself, links to the console, the API reference and the API's description.
                if (context.Urls.FirstOrDefault(u => u.Endpoint?.EndpointName == "http") is { } http)
                {
                    var root = http.Url.TrimEnd('/');
                    http.DisplayText = "Console";
                    context.Urls.Add(new ResourceUrlAnnotation { Url = $"{root}/api/reference", DisplayText = "API reference", Endpoint = http.Endpoint });
                    context.Urls.Add(new ResourceUrlAnnotation { Url = $"{root}/api/openapi.json", DisplayText = "OpenAPI document", Endpoint = http.Endpoint });
                }
            });
        if (!first)
        {
            // The first web tier replies on the provisioned response queue (as the one web tier does on AWS, where
            // the original's grader watches it); further replicas each on their own.
            webTier.WithEnvironment(SettingNames.Variable(SettingNames.WebTier.InstanceId), webTier.Resource.Name);
        }
        if (settings.Autoscale && first)
        {
            // One autoscaler for the fleet, as the original ran its controller in the web tier.
            webTier.WithEnvironment(SettingNames.Variable(SettingNames.Scaling.Enabled), "true")
                .WithEnvironment(SettingNames.Variable(SettingNames.Scaling.MaxInstances), settings.AppTierReplicas.ToString(System.Globalization.CultureInfo.InvariantCulture))
                // The instances share this machine's cores: no more start at once than there are cores.
                .WithEnvironment(SettingNames.Variable(SettingNames.Scaling.MaxStartingInstances), Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithMaxInstancesCommand(builder, settings.AppTierReplicas);
            foreach (var (variable, value) in ServiceSettings.PassThrough(builder.Configuration, SettingNames.Scaling.Section))
            {
                webTier.WithEnvironment(variable, value);
            }
        }
        foreach (var section in new[] { SettingNames.WebTier.Section, SettingNames.FrontDoor.Section })
        {
            foreach (var (variable, value) in ServiceSettings.PassThrough(builder.Configuration, section))
            {
                webTier.WithEnvironment(variable, value);
            }
        }
        return !first;
    }

    private static void ConfigureAppTier<T>(this IResourceBuilder<T> appTier, IDistributedApplicationBuilder builder, CloudResource cloud,
        ServiceSettings settings) where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        appTier.WithCloud(cloud, SystemPermissions.AppTier)
            .WithEnvironment(SettingNames.Variable(SettingNames.Recognition.Mode), settings.Mode);
        if (settings.LookupTable is { } table)
        {
            appTier.WithEnvironment(SettingNames.Variable(SettingNames.Recognition.LookupTable), table);
        }
        foreach (var (variable, value) in ServiceSettings.PassThrough(builder.Configuration, SettingNames.AppTier.Section))
        {
            appTier.WithEnvironment(variable, value);
        }
        if (settings.Autoscale)
        {
            // Started and stopped by the reconciler, following EC2, not at the AppHost's start.
            appTier.WithExplicitStart();
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
