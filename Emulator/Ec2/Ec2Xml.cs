using System.Globalization;
using System.Security;
using System.Text;
using FaceRecognition.Emulator.Protocol;

namespace FaceRecognition.Emulator.Ec2;

/// <summary>EC2's query-protocol responses, as the AWS SDKs parse them.</summary>
internal static class Ec2Xml
{
    private const string Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";

    public static byte[] DescribeInstances(IEnumerable<Ec2Instance> instances, string requestId)
    {
        var xml = new StringBuilder();
        xml.Append(CultureInfo.InvariantCulture, $"<DescribeInstancesResponse xmlns=\"{Namespace}\"><requestId>{requestId}</requestId><reservationSet>");
        foreach (var instance in instances)
        {
            // One reservation per instance, as launching them one at a time would give.
            xml.Append(CultureInfo.InvariantCulture, $"<item><reservationId>r-{instance.InstanceId[2..]}</reservationId><ownerId>000000000000</ownerId><groupSet/><instancesSet><item>");
            xml.Append(CultureInfo.InvariantCulture, $"<instanceId>{instance.InstanceId}</instanceId><imageId>ami-00000000000000000</imageId>");
            xml.Append(State("instanceState", instance.State));
            xml.Append(CultureInfo.InvariantCulture, $"<instanceType>t3.micro</instanceType><launchTime>{instance.LaunchTime.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}</launchTime>");
            xml.Append("<placement><availabilityZone>us-east-1a</availabilityZone></placement><tagSet>");
            foreach (var (key, value) in instance.Tags)
            {
                xml.Append(CultureInfo.InvariantCulture, $"<item><key>{SecurityElement.Escape(key)}</key><value>{SecurityElement.Escape(value)}</value></item>");
            }
            xml.Append("</tagSet></item></instancesSet></item>");
        }
        xml.Append("</reservationSet></DescribeInstancesResponse>");
        return Encoding.UTF8.GetBytes(xml.ToString());
    }

    /// <summary>StartInstancesResponse or StopInstancesResponse.</summary>
    public static byte[] StateChanges(string action, IEnumerable<StateChange> changes, string requestId)
    {
        var xml = new StringBuilder();
        xml.Append(CultureInfo.InvariantCulture, $"<{action}Response xmlns=\"{Namespace}\"><requestId>{requestId}</requestId><instancesSet>");
        foreach (var change in changes)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<item><instanceId>{change.InstanceId}</instanceId>{State("currentState", change.Current)}{State("previousState", change.Previous)}</item>");
        }
        xml.Append(CultureInfo.InvariantCulture, $"</instancesSet></{action}Response>");
        return Encoding.UTF8.GetBytes(xml.ToString());
    }

    public static byte[] Error(AwsException error, string requestId) => Encoding.UTF8.GetBytes(
        $"<Response><Errors><Error><Code>{SecurityElement.Escape(error.Code)}</Code><Message>{SecurityElement.Escape(error.Message)}</Message></Error></Errors><RequestID>{requestId}</RequestID></Response>");

    private static string State(string element, string state) =>
        string.Create(CultureInfo.InvariantCulture, $"<{element}><code>{InstanceStates.Code(state)}</code><name>{state}</name></{element}>");
}
