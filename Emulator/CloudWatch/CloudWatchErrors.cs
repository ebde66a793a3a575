using FaceRecognition.Emulator.Protocol;

namespace FaceRecognition.Emulator.CloudWatch;

/// <summary>CloudWatch's errors: the shape name (CBOR and JSON protocols) with the query protocol's code beside it.</summary>
internal static class CloudWatchErrors
{
    public static AwsException InvalidParameterValue(string message) =>
        new(400, "InvalidParameterValueException", message) { QueryCode = "InvalidParameterValue" };

    public static AwsException MissingParameter(string name) =>
        new(400, "MissingRequiredParameterException", $"The parameter {name} must be specified.") { QueryCode = "MissingParameter" };

    public static AwsException InvalidAction(string action) =>
        new(400, "InvalidAction", $"The action {action} is not valid for this endpoint (the emulator answers GetMetricData, GetMetricStatistics and ListMetrics).") { QueryCode = "InvalidAction" };
}
