using System.ComponentModel.DataAnnotations;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.ServiceDefaults;

namespace FaceRecognition.WebTier;

/// <summary>Configuration section "WebTier".</summary>
public sealed class WebTierOptions : IValidatableObject
{
    public const string SectionName = SettingNames.WebTier.Section;

    /// <summary>Largest accepted upload (default 10 MB); larger ones get 413.</summary>
    [Range(1, 1024L * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest accepted video (default 200 MB, the video-splitting function's own limit); larger ones get 413.</summary>
    [Range(1, 5L * 1024 * 1024 * 1024)]
    public long MaxVideoBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>How long a request waits for its reply before 504 (the result still lands in the output bucket).</summary>
    [Range(1, 3600)]
    public int ReplyTimeoutSeconds { get; set; } = 30;

    /// <summary>The mode requests carry: <c>model</c> or <c>lookup</c> (the AppHost passes Recognition:Mode).</summary>
    public string Mode { get; set; } = RecognitionMode.Model;

    /// <summary>Gives this instance a reply queue of its own, <c>&lt;prefix&gt;-resp-queue-&lt;id&gt;</c>; empty (the
    /// default, the one web tier on AWS, the first one locally): replies come on the provisioned <c>&lt;prefix&gt;-resp-queue</c>,
    /// which exactly one web tier may read. The AppHost names further replicas after their resources.</summary>
    [RegularExpression("^[a-z0-9-]{0,40}$")]
    public string InstanceId { get; set; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!RecognitionMode.IsServiceMode(Mode))
        {
            yield return new ValidationResult($"WebTier:Mode must be '{RecognitionMode.Model}' or '{RecognitionMode.Lookup}', not '{Mode}'.");
        }
    }
}
