using System.ComponentModel.DataAnnotations;
using FaceRecognition.Vision.Inference;
using Microsoft.Extensions.Options;

namespace FaceRecognition.Vision;

/// <summary>
/// Validates <see cref="VisionOptions"/> at start-up, nested sections included, and checks that the model files
/// are where the engine will look; every problem is named with its configuration key.
/// </summary>
internal sealed class VisionOptionsValidator : IValidateOptions<VisionOptions>
{
    public ValidateOptionsResult Validate(string? name, VisionOptions options)
    {
        var failures = new List<string>();
        Check(options, VisionOptions.SectionName, failures);
        Check(options.Decode, $"{VisionOptions.SectionName}:{nameof(options.Decode)}", failures);
        Check(options.Onnx, $"{VisionOptions.SectionName}:{nameof(options.Onnx)}", failures);
        Check(options.Enrolment, $"{VisionOptions.SectionName}:{nameof(options.Enrolment)}", failures);

        var directory = options.ResolveModelDirectory();
        foreach (var file in new[] { VisionModels.DetectorFile, VisionModels.SmallDetectorFile, VisionModels.LandmarksFile, VisionModels.DescriptorFile })
        {
            if (!File.Exists(Path.Combine(directory, file)))
            {
                failures.Add($"Vision:ModelDirectory: {Path.Combine(directory, file)} does not exist.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(object section, string prefix, List<string> failures)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(section, new ValidationContext(section), results, validateAllProperties: true);
        failures.AddRange(results.Select(r => $"{prefix}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
    }
}
