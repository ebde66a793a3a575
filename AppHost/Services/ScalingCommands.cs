using System.Globalization;
using FaceRecognition.ServiceDefaults;

namespace FaceRecognition.AppHost.Services;

/// <summary>
/// The dashboard's hold on the autoscaler: the web tier that runs it reads a small file of scaling settings over its own
/// (<c>Scaling:OverridesFile</c>, read again when it changes), and the command "Set the app tier's maximum instances"
/// rewrites it. Between 1 and the app-tier instances the AppHost created (<c>AppTier:Replicas</c>); the file starts at
/// that number on every start, so a change lasts until the AppHost stops.
/// </summary>
internal static class ScalingCommands
{
    public const string SetMaxInstances = "set-max-instances";
    public const string MaxInstancesArgument = "maxInstances";

    public static IResourceBuilder<T> WithMaxInstancesCommand<T>(this IResourceBuilder<T> webTier, string prefix, int appTierInstances)
        where T : IResourceWithEnvironment
    {
        var overrides = Path.Combine(Path.GetTempPath(), $"facerec-{prefix}-scaling.json");
        File.WriteAllText(overrides, Overrides(appTierInstances));
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

    private static string Overrides(int maxInstances) =>
        $$"""{ "{{SettingNames.Scaling.Section}}": { "MaxInstances": {{maxInstances.ToString(CultureInfo.InvariantCulture)}} } }""";
}
