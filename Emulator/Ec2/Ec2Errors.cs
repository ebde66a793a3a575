using FaceRecognition.Emulator.Protocol;

namespace FaceRecognition.Emulator.Ec2;

internal static class Ec2Errors
{
    public static AwsException InstanceNotFound(string id) =>
        new(400, "InvalidInstanceID.NotFound", $"The instance ID '{id}' does not exist");

    public static AwsException IncorrectInstanceState(string id, string state, string what) =>
        new(400, "IncorrectInstanceState", $"The instance '{id}' is not in a state from which it can be {what}: it is {state}.");

    public static AwsException InvalidAction(string action) =>
        new(400, "InvalidAction", $"The action {action} is not valid for this web service (the emulator implements DescribeInstances, StartInstances and StopInstances).");

    public static AwsException MissingParameter(string name) => new(400, "MissingParameter", $"The request must contain the parameter {name}");
}
