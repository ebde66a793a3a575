using System.Globalization;
using FaceRecognition.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FaceRecognition.AppHost.Services;

/// <summary>
/// The dashboard's hold on the autoscaler: the web tier that runs it reads a small file of scaling settings over its own
/// (<c>Scaling:OverridesFile</c>, read again when it changes), and the command "Set the app tier's maximum instances"
/// rewrites it. Between 1 and the app-tier instances the AppHost created (<c>AppTier:Replicas</c>); each AppHost has a
/// file of its own (several may run at once, e.g. in the end-to-end tests), starting at that number and deleted when
/// the AppHost stops, so a change lasts until then.
/// </summary>
internal static class ScalingCommands
{
    public const string SetMaxInstances = "set-max-instances";
    public const string MaxInstancesArgument = "maxInstances";

    public static IResourceBuilder<T> WithMaxInstancesCommand<T>(this IResourceBuilder<T> webTier, IDistributedApplicationBuilder builder, int appTierInstances)
        where T : IResourceWithEnvironment
    {
        var overrides = Path.Combine(Path.GetTempPath(), $"facerec-scaling-{Guid.NewGuid():N}.json");
        // Written when the AppHost starts (an AppHost only built, as in some tests, leaves nothing behind).
        builder.Eventing.Subscribe<BeforeStartEvent>((_, cancellationToken) => File.WriteAllTextAsync(overrides, Overrides(appTierInstances), cancellationToken));
        builder.Services.AddHostedService(_ => new DeleteWhenStopped(overrides));
        webTier.WithEnvironment(SettingNames.Variable(SettingNames.Scaling.OverridesFile), overrides);
        webTier.WithCommand(SetMaxInstances, "Set the app tier's maximum instances", async context =>
        {
            var text = context.Arguments.GetString(MaxInstancesArgument);
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max < 1 || max > appTierInstances)
            {
                return CommandResults.Failure($"The maximum must be a whole number from 1 to {appTierInstances} (the app-tier instances there are: AppTier:Replicas), not '{text}'.");
            }
            await File.WriteAllTextAsync(overrides, Overrides(max), context.CancellationToken);
            return CommandResults.Success($"The autoscaler runs at most {max} app-tier instance(s) from now on.");
        }, new CommandOptions
        {
            Description = "How many app-tier instances the autoscaler may run at once, until the AppHost stops.",
            IconName = "Server",
            Arguments =
            [
                new InteractionInput
                {
                    Name = MaxInstancesArgument,
                    Label = $"Maximum instances (1 to {appTierInstances})",
                    InputType = InputType.Number,
                    Required = true,
                    Value = appTierInstances.ToString(CultureInfo.InvariantCulture),
                },
            ],
        });
        return webTier;
    }

    /// <summary>Deletes the AppHost's overrides file when it stops (File.Delete ignores a file that is not there).</summary>
    private sealed class DeleteWhenStopped(string path) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            File.Delete(path);
            return Task.CompletedTask;
        }
    }

    private static string Overrides(int maxInstances) =>
        $$"""{ "{{SettingNames.Scaling.Section}}": { "MaxInstances": {{maxInstances.ToString(CultureInfo.InvariantCulture)}} } }""";
}
