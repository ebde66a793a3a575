using System.Text.RegularExpressions;
using FaceRecognition.Emulator.Hosting;

namespace FaceRecognition.Emulator.Lambda;

/// <summary>Function names and ARNs: what a <c>FunctionName</c> parameter may be (a name, an ARN, a partial ARN, with
/// <c>$LATEST</c> as the only qualifier: the emulator has no versions or aliases), and the ARNs Lambda reports.</summary>
internal sealed partial class LambdaNames(EmulatorOptions options)
{
    public string FunctionArn(string name) => $"arn:aws:lambda:{options.Region}:{options.AccountId}:function:{name}";

    public string QueueArn(string name) => $"arn:aws:sqs:{options.Region}:{options.AccountId}:{name}";

    /// <summary>The function a <c>FunctionName</c> parameter names.</summary>
    public string FunctionName(string? parameter)
    {
        if (string.IsNullOrEmpty(parameter)) throw LambdaErrors.Validation("functionName", parameter, "Member must not be null");
        var match = FunctionNamePattern().Match(parameter);
        if (!match.Success || parameter.Length > 170)
        {
            throw LambdaErrors.Validation("functionName", parameter,
                "Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
        }
        if (match.Groups["account"].Success && match.Groups["account"].Value.TrimEnd(':') != options.AccountId ||
            match.Groups["region"].Success && match.Groups["region"].Value.TrimEnd(':') != options.Region)
        {
            throw LambdaErrors.FunctionNotFound(parameter);
        }
        if (match.Groups["qualifier"].Success && match.Groups["qualifier"].Value != "$LATEST")
        {
            throw LambdaErrors.NotSupported($"Qualifier '{match.Groups["qualifier"].Value}' (versions and aliases)");
        }
        var name = match.Groups["name"].Value;
        if (name.Length > 64) throw LambdaErrors.Validation("functionName", parameter, "Member must have length less than or equal to 64");
        return name;
    }

    /// <summary>The queue an SQS ARN names, if it is one of this account and region.</summary>
    public string? QueueName(string arn)
    {
        var parts = arn.Split(':');
        return parts is ["arn", _, "sqs", var region, var account, var name] && region == options.Region && account == options.AccountId ? name : null;
    }

    [GeneratedRegex(@"^(arn:(aws[a-zA-Z-]*)?:lambda:)?(?<region>[a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(?<account>\d{12}:)?(function:)?(?<name>[a-zA-Z0-9-_]+)(:(?<qualifier>\$LATEST|[a-zA-Z0-9-_]+))?$")]
    private static partial Regex FunctionNamePattern();
}
