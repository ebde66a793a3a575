using System.ComponentModel.DataAnnotations;
using FaceRecognition.ServiceDefaults;

namespace FaceRecognition.WebTier.Scaling;

/// <summary>Configuration section "Scaling": the app tier's autoscaler in the web tier.</summary>
public sealed class ScalingOptions : IValidatableObject
{
    public const string SectionName = SettingNames.Scaling.Section;

    /// <summary>Off by default: the AppHost turns it on when it runs the app tier as scalable instances.</summary>
    public bool Enabled { get; set; }

    [Range(0, 100)]
    public int MinInstances { get; set; }

    /// <summary>The original's 20 on AWS; set lower on a small machine. The one setting that may change while the web
    /// tier runs (through <see cref="OverridesFile"/>).</summary>
    [Range(1, 100)]
    public int MaxInstances { get; set; } = 20;

    /// <summary>A JSON file whose <c>Scaling</c> section is read over these settings and again whenever it changes, for
    /// <see cref="MaxInstances"/> (locally the dashboard's "Set the app tier's maximum instances" writes it); none by
    /// default.</summary>
    public string? OverridesFile { get; set; }

    /// <summary>
    /// Instances started at once (pending) at most; 0, the default, for no limit, as on AWS, where each instance is a
    /// machine of its own. Locally every instance starts on the same cores (the AppHost sets the machine's core count):
    /// twenty starting at once spent them on start-up while the queue waited, and requests timed out.
    /// </summary>
    [Range(0, 100)]
    public int MaxStartingInstances { get; set; }

    /// <summary>Messages one instance takes on at once (waiting or in flight) before another is wanted.</summary>
    [Range(1, 1000)]
    public int MessagesPerInstance { get; set; } = 5;

    /// <summary>How long the queue must stay empty before the fleet goes to <see cref="MinInstances"/>.</summary>
    [Range(0, 3600)]
    public double ScaleInDelaySeconds { get; set; } = 1;

    /// <summary>The longest the scale-in delay grows to when a trickle keeps bringing instances back right after scale-in.</summary>
    [Range(0, 3600)]
    public double MaxScaleInDelaySeconds { get; set; } = 30;

    /// <summary>How long a lower (non-zero) target must hold before instances are stopped.</summary>
    [Range(0, 3600)]
    public double ScaleInCooldownSeconds { get; set; } = 5;

    [Range(50, 60_000)]
    public int PollIntervalMilliseconds { get; set; } = 500;

    /// <summary>The instances the autoscaler may start and stop: EC2's tag Name, '*' matching any characters.</summary>
    [Required]
    public string InstanceNamePattern { get; set; } = "app-tier-instance-*";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinInstances > MaxInstances)
        {
            yield return new ValidationResult($"Scaling:MinInstances ({MinInstances}) is above Scaling:MaxInstances ({MaxInstances}).");
        }
        if (MaxScaleInDelaySeconds < ScaleInDelaySeconds)
        {
            yield return new ValidationResult("Scaling:MaxScaleInDelaySeconds must be at least Scaling:ScaleInDelaySeconds.");
        }
    }
}
