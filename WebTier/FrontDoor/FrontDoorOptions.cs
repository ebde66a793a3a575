using System.ComponentModel.DataAnnotations;
using FaceRecognition.ServiceDefaults;

namespace FaceRecognition.WebTier.FrontDoor;

/// <summary>Which endpoints ask for the API key (<c>X-Api-Key</c>); each level includes the ones before it.</summary>
public enum KeyRequiredFor
{
    /// <summary>Endpoints that change state: enrolment and deletion (the default).</summary>
    Changes,

    /// <summary>Everything under <c>/api</c> (the OpenAPI document and the reference page stay open).</summary>
    Api,

    /// <summary>Also the original contract, <c>POST /</c> (whose original client sends no key).</summary>
    All,
}

/// <summary>Configuration section "FrontDoor": who may call the web tier, and how often.</summary>
public sealed class FrontDoorOptions : IValidatableObject
{
    public const string SectionName = SettingNames.FrontDoor.Section;

    /// <summary>The key callers send as <c>X-Api-Key</c> (the AppHost passes its <c>api-key</c> parameter). Without one,
    /// the endpoints that need a key refuse every request.</summary>
    public string? ApiKey { get; set; }

    public KeyRequiredFor KeyRequiredFor { get; set; } = KeyRequiredFor.Changes;

    /// <summary>Requests each client (by address) may make per second, on average (default 500).</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerSecond { get; set; } = 500;

    /// <summary>Requests a client may make at once before the average applies (default 2000: the original workload's
    /// 1000 requests at 100 at a time pass).</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 2000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ApiKey is { Length: > 0 and < MinKeyLength })
        {
            yield return new ValidationResult($"{SectionName}:ApiKey must have at least {MinKeyLength} characters (or be empty: no key, no changes).");
        }
    }

    public const int MinKeyLength = 16;
}
