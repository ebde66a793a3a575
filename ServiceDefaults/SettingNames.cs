namespace FaceRecognition.ServiceDefaults;

/// <summary>
/// The configuration keys one project sets for another: the AppHost for the services, the emulator and the functions.
/// The AppHost cannot reference the services' options classes, so both sides use these names: each service's options
/// class takes its section from here, and each service's tests bind every key below to the property it names (a
/// renamed property fails there, not in a running system).
/// </summary>
public static class SettingNames
{
    /// <summary>The environment variable that sets <paramref name="key"/> (<c>Section:Name</c> as <c>Section__Name</c>).</summary>
    public static string Variable(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary><see cref="AwsOptions"/>: which cloud answers.</summary>
    public static class Aws
    {
        public const string Section = "Aws";
        public const string ServiceUrl = Section + ":" + nameof(AwsOptions.ServiceUrl);
        public const string Region = Section + ":" + nameof(AwsOptions.Region);
        public const string AccessKey = Section + ":" + nameof(AwsOptions.AccessKey);
        public const string SecretKey = Section + ":" + nameof(AwsOptions.SecretKey);
    }

    /// <summary>Cloud's CloudOptions: the prefix of every bucket and queue name.</summary>
    public static class Cloud
    {
        public const string Section = "Cloud";
        public const string Prefix = Section + ":Prefix";
    }

    /// <summary>The web tier's WebTierOptions.</summary>
    public static class WebTier
    {
        public const string Section = "WebTier";
        public const string Mode = Section + ":Mode";
        public const string InstanceId = Section + ":InstanceId";
    }

    /// <summary>The web tier's FrontDoorOptions: API key and rate limits.</summary>
    public static class FrontDoor
    {
        public const string Section = "FrontDoor";
        public const string ApiKey = Section + ":ApiKey";
        public const string KeyRequiredFor = Section + ":KeyRequiredFor";
        public const string RequestsPerSecond = Section + ":RequestsPerSecond";
        public const string Burst = Section + ":Burst";
    }

    /// <summary>The web tier's ScalingOptions: the app tier's autoscaler.</summary>
    public static class Scaling
    {
        public const string Section = "Scaling";
        public const string Enabled = Section + ":Enabled";
        public const string MaxInstances = Section + ":MaxInstances";
        public const string MaxStartingInstances = Section + ":MaxStartingInstances";
        public const string OverridesFile = Section + ":OverridesFile";
    }

    /// <summary>The app tier's RecognitionOptions.</summary>
    public static class Recognition
    {
        public const string Section = "Recognition";
        public const string Mode = Section + ":Mode";
        public const string LookupTable = Section + ":LookupTable";
    }

    /// <summary>The app tier's AppTierOptions.</summary>
    public static class AppTier
    {
        public const string Section = "AppTier";
    }

    /// <summary>The emulator's EmulatorOptions.</summary>
    public static class Emulator
    {
        public const string Section = "Emulator";
        public const string Port = Section + ":Port";
        public const string Host = Section + ":Host";
        public const string DataDirectory = Section + ":DataDirectory";
        public const string Region = Section + ":Region";
        public const string Credentials = Section + ":Credentials";
        public const string Lambda = Section + ":Lambda";

        /// <summary>The <paramref name="index"/>th principal's <c>Name</c>, <c>Credential</c> or <c>Policy</c>.</summary>
        public static string Principal(int index, string property) =>
            $"{Section}:Principals:{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{property}";
    }
}
