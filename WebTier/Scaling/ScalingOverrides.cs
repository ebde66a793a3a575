namespace FaceRecognition.WebTier.Scaling;

/// <summary><see cref="ScalingOptions.OverridesFile"/>: a JSON file read over the web tier's configuration, and again
/// whenever it changes (the autoscaler follows <see cref="ScalingOptions.MaxInstances"/> through IOptionsMonitor).</summary>
internal static class ScalingOverrides
{
    public static IConfigurationBuilder AddScalingOverrides(this IConfigurationBuilder configuration, string path) =>
        configuration.AddJsonFile(source =>
        {
            source.Path = Path.GetFullPath(path);
            source.Optional = true;
            source.ReloadOnChange = true;
            // A file caught half-written is read again at its next change rather than failing the web tier.
            source.OnLoadException = context => context.Ignore = true;
            source.ResolveFileProvider();
        });
}
