using System.Xml;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.S3;

/// <summary>Reads and writes <c>NotificationConfiguration</c> documents: SQS queues and Lambda functions as destinations.</summary>
internal static class NotificationConfigurationXml
{
    /// <param name="queueExists">Whether a queue of this name exists.</param>
    /// <param name="functionAllows">Whether a function of this ARN exists and its policy lets this bucket invoke it.</param>
    public static NotificationConfiguration Parse(byte[] document, Func<string, bool> queueExists, Func<string, bool> functionAllows)
    {
        var root = S3Xml.Parse(document);
        if (root.Name != "NotificationConfiguration") throw S3Errors.MalformedXml("the root element must be NotificationConfiguration.");
        var queues = new List<QueueNotification>();
        var functions = new List<FunctionNotification>();
        foreach (var element in root.Children)
        {
            switch (element.Name)
            {
                case "QueueConfiguration":
                    var queueArn = element.ChildText("Queue") ?? throw S3Errors.MalformedXml("a QueueConfiguration needs a Queue.");
                    var parts = queueArn.Split(':');
                    if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "sqs" || !queueExists(parts[5]))
                    {
                        throw S3Errors.InvalidArgument($"Unable to validate the following destination configurations: {queueArn} is not an existing SQS queue.");
                    }
                    var (queueId, queueEvents, queuePrefix, queueSuffix) = ParseTarget(element);
                    queues.Add(new QueueNotification(queueId, queueArn, queueEvents, queuePrefix, queueSuffix));
                    break;
                case "CloudFunctionConfiguration" or "LambdaFunctionConfiguration":
                    var functionArn = element.ChildText("CloudFunction") ?? element.ChildText("LambdaFunctionArn")
                        ?? throw S3Errors.MalformedXml($"a {element.Name} needs a CloudFunction.");
                    if (!functionAllows(functionArn))
                    {
                        throw S3Errors.InvalidArgument(
                            $"Unable to validate the following destination configurations: {functionArn} is not an existing function whose resource policy lets s3.amazonaws.com invoke it for this bucket (lambda add-permission).");
                    }
                    var (functionId, functionEvents, functionPrefix, functionSuffix) = ParseTarget(element);
                    functions.Add(new FunctionNotification(functionId, functionArn, functionEvents, functionPrefix, functionSuffix));
                    break;
                case "TopicConfiguration":
                    throw S3Errors.InvalidArgument("TopicConfiguration is not supported by this emulator: deliver events to SQS queues or Lambda functions.");
                case "EventBridgeConfiguration":
                    throw S3Errors.InvalidArgument("EventBridgeConfiguration is not supported by this emulator.");
                default:
                    throw S3Errors.MalformedXml($"unexpected element {element.Name}.");
            }
        }
        CheckOverlaps([.. queues, .. functions]);
        return new NotificationConfiguration(queues, functions.Count == 0 ? null : functions);
    }

    private static (string Id, List<string> Events, string? Prefix, string? Suffix) ParseTarget(XmlElementNode element)
    {
        var events = element.All("Event").Select(e => e.Text.Trim()).ToList();
        if (events.Count == 0) throw S3Errors.MalformedXml($"a {element.Name} needs at least one Event.");
        foreach (var name in events)
        {
            if (!EventPublisher.ConfigurableEvents.Contains(name)) throw S3Errors.InvalidArgument($"The event '{name}' is not supported for notifications.");
        }
        string? prefix = null, suffix = null;
        foreach (var rule in element.Child("Filter")?.Child("S3Key")?.All("FilterRule") ?? [])
        {
            var name = rule.ChildText("Name")?.Trim().ToLowerInvariant();
            var value = rule.ChildText("Value") ?? "";
            switch (name)
            {
                case "prefix" when prefix is null: prefix = value; break;
                case "suffix" when suffix is null: suffix = value; break;
                case "prefix" or "suffix": throw S3Errors.InvalidArgument($"Cannot specify more than one {name} rule in a filter.");
                default: throw S3Errors.InvalidArgument($"Invalid filter name '{name}': use prefix or suffix.");
            }
        }
        var id = element.ChildText("Id");
        if (string.IsNullOrEmpty(id)) id = Guid.NewGuid().ToString();
        return (id, events, string.IsNullOrEmpty(prefix) ? null : prefix, string.IsNullOrEmpty(suffix) ? null : suffix);
    }

    /// <summary>AWS refuses two configurations that could fire for the same event on the same key.</summary>
    private static void CheckOverlaps(List<INotificationTarget> queues)
    {
        for (var i = 0; i < queues.Count; i++)
        {
            for (var j = i + 1; j < queues.Count; j++)
            {
                var a = queues[i];
                var b = queues[j];
                var sharedEvent = a.Events.Any(x => b.Events.Any(y => EventsOverlap(x, y)));
                var prefixesOverlap = a.Prefix is null || b.Prefix is null ||
                    a.Prefix.StartsWith(b.Prefix, StringComparison.Ordinal) || b.Prefix.StartsWith(a.Prefix, StringComparison.Ordinal);
                var suffixesOverlap = a.Suffix is null || b.Suffix is null ||
                    a.Suffix.EndsWith(b.Suffix, StringComparison.Ordinal) || b.Suffix.EndsWith(a.Suffix, StringComparison.Ordinal);
                if (sharedEvent && prefixesOverlap && suffixesOverlap)
                {
                    throw S3Errors.InvalidArgument($"Configurations overlap. Configurations on the same bucket cannot share a common event type ({a.Id}, {b.Id}).");
                }
            }
        }
    }

    private static bool EventsOverlap(string a, string b)
    {
        static string Family(string name) => name[..name.LastIndexOf(':')];
        if (a == b) return true;
        return Family(a) == Family(b) && (a.EndsWith(":*", StringComparison.Ordinal) || b.EndsWith(":*", StringComparison.Ordinal));
    }

    public static byte[] Write(NotificationConfiguration? configuration) => S3Xml.Document("NotificationConfiguration", writer =>
    {
        foreach (var target in configuration?.Targets ?? [])
        {
            var isQueue = target is QueueNotification;
            writer.Start(isQueue ? "QueueConfiguration" : "CloudFunctionConfiguration");
            writer.Element("Id", target.Id);
            writer.Element(isQueue ? "Queue" : "CloudFunction", target.Arn);
            foreach (var name in target.Events) writer.Element("Event", name);
            if (target.Prefix is not null || target.Suffix is not null)
            {
                writer.Start("Filter");
                writer.Start("S3Key");
                WriteRule(writer, "prefix", target.Prefix);
                WriteRule(writer, "suffix", target.Suffix);
                writer.WriteEndElement();
                writer.WriteEndElement();
            }
            writer.WriteEndElement();
        }
    });

    private static void WriteRule(XmlWriter writer, string name, string? value)
    {
        if (value is null) return;
        writer.Start("FilterRule");
        writer.Element("Name", name);
        writer.Element("Value", value);
        writer.WriteEndElement();
    }
}
