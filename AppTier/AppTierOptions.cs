using System.ComponentModel.DataAnnotations;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.ServiceDefaults;

namespace FaceRecognition.AppTier;

/// <summary>Configuration section "AppTier".</summary>
public sealed class AppTierOptions
{
    public const string SectionName = SettingNames.AppTier.Section;

    /// <summary>
    /// Messages processed at once; 0 = automatic: one per core in model mode (the work is CPU), 32 in lookup mode
    /// (the work is waiting on S3 and SQS).
    /// </summary>
    [Range(0, 256)]
    public int Concurrency { get; set; }

    /// <summary>Seconds a received message stays invisible, renewed at half of it while the work goes on. Short, so that
    /// the messages of an instance that dies come back well within the web tier's reply timeout (30 s).</summary>
    [Range(5, 43200)]
    public int VisibilityTimeoutSeconds { get; set; } = 10;

    /// <summary>Largest picture downloaded from the input bucket.</summary>
    [Range(1, int.MaxValue)]
    public int MaxImageBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>How often the gallery object is checked for changes.</summary>
    [Range(1, 3600)]
    public int GalleryRefreshSeconds { get; set; } = 2;

    internal int EffectiveConcurrency(string mode) =>
        Concurrency > 0 ? Concurrency : mode == RecognitionMode.Lookup ? 32 : Environment.ProcessorCount;
}

/// <summary>Configuration section "Recognition", set by the AppHost (<c>Recognition__Mode</c>, <c>Recognition__LookupTable</c>).</summary>
public sealed class RecognitionOptions : IValidatableObject
{
    public const string SectionName = SettingNames.Recognition.Section;

    /// <summary><c>model</c> (default): the engine and the gallery; <c>lookup</c>: the label table.</summary>
    public string Mode { get; set; } = RecognitionMode.Model;

    /// <summary>Path of an <c>Image,Results</c> CSV; required in lookup mode.</summary>
    public string? LookupTable { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!RecognitionMode.IsServiceMode(Mode))
        {
            yield return new ValidationResult($"Recognition:Mode must be '{RecognitionMode.Model}' or '{RecognitionMode.Lookup}', not '{Mode}'.");
        }
        if (Mode == RecognitionMode.Lookup && (string.IsNullOrWhiteSpace(LookupTable) || !File.Exists(LookupTable)))
        {
            yield return new ValidationResult($"Recognition:LookupTable must name an existing Image,Results CSV in lookup mode (got '{LookupTable}').");
        }
    }
}
