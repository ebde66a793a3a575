using FaceRecognition.Cloud.Topology;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FaceRecognition.Cloud;

/// <summary>Configuration section "Cloud": the name prefix the AppHost gives every service (<c>Cloud__Prefix</c>).</summary>
public sealed class CloudOptions
{
    public const string SectionName = "Cloud";

    public string Prefix { get; set; } = TopologyNames.DefaultPrefix;
}

public static class CloudServiceCollectionExtensions
{
    /// <summary>Registers <see cref="TopologyNames"/> from <c>Cloud:Prefix</c>, validated at start.</summary>
    public static IServiceCollection AddCloudNames(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CloudOptions>()
            .Bind(configuration.GetSection(CloudOptions.SectionName))
            .Validate(o => TryNames(o.Prefix) is not null, "Cloud:Prefix is not usable in bucket and queue names (1 to 30 lower-case letters, digits and single hyphens).")
            .ValidateOnStart();
        services.AddSingleton(sp => new TopologyNames(sp.GetRequiredService<IOptions<CloudOptions>>().Value.Prefix));
        return services;
    }

    /// <summary>Registers the <see cref="Messaging.QueueConsumer"/> with what it uses: SQS batching and the dead-letter rule.</summary>
    public static IServiceCollection AddQueueConsumer(this IServiceCollection services)
    {
        services.AddSingleton<Messaging.SqsBatcher>();
        services.AddSingleton<Messaging.DeadLetterRule>();
        services.AddSingleton<Messaging.QueueConsumer>();
        return services;
    }

    private static TopologyNames? TryNames(string prefix)
    {
        try
        {
            return new TopologyNames(prefix);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
