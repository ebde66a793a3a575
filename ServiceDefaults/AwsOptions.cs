using System.ComponentModel.DataAnnotations;

namespace FaceRecognition.ServiceDefaults;

/// <summary>
/// Which cloud answers, bound from the <c>Aws</c> section (the AppHost sets <c>Aws__ServiceUrl</c>, <c>Aws__Region</c>,
/// <c>Aws__AccessKey</c>, <c>Aws__SecretKey</c>). With a service URL: that endpoint (a local emulator) with
/// these keys. Without: real AWS in <see cref="Region"/>, with the SDK's default credential chain. In a Lambda
/// environment of a local cloud, the endpoint comes as the standard
/// <c>AWS_ENDPOINT_URL</c> and the keys from the default chain (<c>AWS_ACCESS_KEY_ID</c>, …), as Lambda gives them.
/// </summary>
public sealed class AwsOptions : IValidatableObject
{
    public const string SectionName = SettingNames.Aws.Section;

    /// <summary>The variable the AWS SDKs read an endpoint override from, which a local cloud's Lambda sets.</summary>
    public const string EndpointVariable = "AWS_ENDPOINT_URL";

    public string? ServiceUrl { get; set; }

    [Required]
    [RegularExpression("^[a-z]{2}(-[a-z]+)+-[0-9]$", ErrorMessage = "Aws:Region must look like us-east-1.")]
    public string Region { get; set; } = "us-east-1";

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>The endpoint came from <see cref="EndpointVariable"/>: the keys come from the default credential chain.</summary>
    public bool EndpointFromEnvironment { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ServiceUrl is not null &&
            (!Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult($"Aws:ServiceUrl '{ServiceUrl}' must be an absolute http or https URL.", [nameof(ServiceUrl)]);
        }
        if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretKey))
        {
            yield return new ValidationResult("Aws:AccessKey and Aws:SecretKey must be given together (or neither, for the default credential chain).",
                [nameof(AccessKey), nameof(SecretKey)]);
        }
        if (ServiceUrl is not null && string.IsNullOrEmpty(AccessKey) && !EndpointFromEnvironment)
        {
            yield return new ValidationResult("Aws:ServiceUrl points at an emulator, which needs Aws:AccessKey and Aws:SecretKey.", [nameof(AccessKey)]);
        }
    }
}
