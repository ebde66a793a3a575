using System.ComponentModel.DataAnnotations;
using FaceRecognition.Emulator.Auth;
using FaceRecognition.Emulator.Iam;
using FaceRecognition.ServiceDefaults;

namespace FaceRecognition.Emulator.Hosting;

/// <summary>Settings of one emulator instance, bound from the <c>Emulator</c> configuration section (the
/// executable maps its command-line switches onto it) and validated at start.</summary>
public sealed class EmulatorOptions : IValidatableObject
{
    public const string SectionName = SettingNames.Emulator.Section;

    /// <summary>TCP port; 0 picks a free one (tests).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 4566;

    /// <summary>Address to bind: an IP address, or <c>localhost</c> for both loopback addresses. Loopback unless told
    /// otherwise: the emulator is a development tool.</summary>
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Where buckets, objects and queues are kept. Default: the user's local application data.</summary>
    public string DataDirectory { get; set; } = DefaultDataDirectory;

    /// <summary>Administrators' key pairs, each <c>ACCESS_KEY:SECRET_KEY</c>: full access, as an account's root.</summary>
    public List<string> Credentials { get; set; } = [];

    /// <summary>Principals with only what their policies allow (<see cref="PrincipalOptions"/>).</summary>
    public List<PrincipalOptions> Principals { get; set; } = [];

    [Required]
    [RegularExpression("^[a-z]{2}(-[a-z]+)+-[0-9]$", ErrorMessage = "Region must look like us-east-1.")]
    public string Region { get; set; } = "us-east-1";

    [Required]
    [RegularExpression("^[0-9]{12}$", ErrorMessage = "AccountId must be 12 digits.")]
    public string AccountId { get; set; } = "000000000000";

    /// <summary>How far a request's signing time may be from the server's clock (AWS: 15 minutes).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Largest object a single PUT or part may carry (S3: 5 GiB).</summary>
    [Range(1, long.MaxValue)]
    public long MaxObjectSize { get; set; } = 5L * 1024 * 1024 * 1024;

    /// <summary>Largest request body of an XML or JSON operation (SQS requests, multipart completion, delete lists).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxDocumentSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Bodies up to this size are appended to shared segment files; larger ones are files of their own. Small
    /// bodies then cost one write, no file creation (measured in bench/Emulator).</summary>
    [Range(0, 16 * 1024 * 1024)]
    public int SmallBodyLimit { get; set; } = 128 * 1024;

    /// <summary>
    /// When true, every commit is flushed to the disk (fsync) before it is acknowledged, so acknowledged data survives
    /// a power loss, not only a crash or kill of the process. Slower; off by default.
    /// </summary>
    public bool SyncWrites { get; set; }

    /// <summary>How the Lambda service runs functions (<c>Emulator:Lambda:*</c>).</summary>
    public LambdaOptions Lambda { get; set; } = new();

    public static string DefaultDataDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
            "FaceRecognition", "emulator");

    internal IReadOnlyList<AccessKeyPair> ParsedCredentials() =>
        Credentials.Select(text => AccessKeyPair.TryParse(text, out var pair) ? pair : throw new InvalidOperationException($"'{text}' is not KEY:SECRET.")).ToList();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Credentials.Count == 0)
        {
            yield return new ValidationResult("At least one credential pair (KEY:SECRET) is required.", [nameof(Credentials)]);
        }
        foreach (var text in Credentials)
        {
            if (!AccessKeyPair.TryParse(text, out _))
            {
                yield return new ValidationResult("Each credential must be KEY:SECRET, without spaces.", [nameof(Credentials)]);
            }
        }
        for (var i = 0; i < Principals.Count; i++)
        {
            foreach (var result in Principals[i].Validate(i)) yield return result;
        }
        var keys = Credentials.Concat(Principals.Select(p => p.Credential)).Select(c => c.Split(':')[0]).ToList();
        if (keys.Distinct(StringComparer.Ordinal).Count() != keys.Count)
        {
            yield return new ValidationResult("Every administrator and principal needs an access key of its own.", [nameof(Principals)]);
        }
        if (Principals.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count() != Principals.Count)
        {
            yield return new ValidationResult("Every principal needs a name of its own.", [nameof(Principals)]);
        }
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return new ValidationResult("DataDirectory must name a folder.", [nameof(DataDirectory)]);
        }
        if (Host != "localhost" && !System.Net.IPAddress.TryParse(Host, out _))
        {
            yield return new ValidationResult($"Host '{Host}' must be an IP address or localhost.", [nameof(Host)]);
        }
        if (MaxClockSkew <= TimeSpan.Zero)
        {
            yield return new ValidationResult("MaxClockSkew must be positive.", [nameof(MaxClockSkew)]);
        }
        foreach (var result in Lambda.Validate()) yield return result;
    }
}

/// <summary>How the emulator's Lambda service runs functions, where AWS leaves it to Lambda.</summary>
public sealed class LambdaOptions
{
    /// <summary>An execution environment idle this long is stopped (Lambda keeps them for minutes, unpredictably).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The account's concurrency limit (AWS's default is 1,000): functions without reserved concurrency share
    /// what reservations leave of it.</summary>
    public int ConcurrentExecutions { get; set; } = 1000;

    /// <summary>Before the first retry of a failed asynchronous invocation; each further retry waits twice as long
    /// (Lambda: about 1 and 2 minutes).</summary>
    public TimeSpan AsyncRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    internal IEnumerable<ValidationResult> Validate()
    {
        if (IdleTimeout <= TimeSpan.Zero) yield return new ValidationResult("Lambda:IdleTimeout must be positive.", [nameof(IdleTimeout)]);
        if (ConcurrentExecutions < 1) yield return new ValidationResult("Lambda:ConcurrentExecutions must be at least 1.", [nameof(ConcurrentExecutions)]);
        if (AsyncRetryDelay < TimeSpan.Zero) yield return new ValidationResult("Lambda:AsyncRetryDelay must not be negative.", [nameof(AsyncRetryDelay)]);
    }
}
