using System.Diagnostics;
using Amazon.SQS.Model;

namespace FaceRecognition.Cloud.Messaging;

/// <summary>
/// Spans for SQS messages named and tagged by OpenTelemetry's messaging semantic conventions (<c>send &lt;queue&gt;</c>,
/// a producer span; <c>process &lt;queue&gt;</c>, a consumer span; <c>messaging.system</c> <c>aws_sqs</c>,
/// <c>messaging.operation.name</c> and <c>.type</c>, <c>messaging.destination.name</c>, <c>messaging.message.id</c>,
/// <c>messaging.message.conversation_id</c>), and the W3C trace context (<c>traceparent</c>, <c>tracestate</c>) in
/// the message's attributes, so one trace spans the producer, the queue and the consumer.
/// </summary>
public static class MessageTracing
{
    public const string SourceName = "FaceRecognition.Messaging";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A producer span for sending a message to <paramref name="queue"/>; <paramref name="conversationId"/>
    /// ties it to the reply (the request id).</summary>
    public static Activity? StartSend(string queue, string conversationId) =>
        Start(ActivityKind.Producer, "send", queue, default)?.SetTag("messaging.message.conversation_id", conversationId);

    /// <summary>A consumer span for processing <paramref name="message"/> received from <paramref name="queue"/>, a child
    /// of the producer's span when the message carries its context.</summary>
    public static Activity? StartProcess(string queue, Message message) =>
        Start(ActivityKind.Consumer, "process", queue, Extract(message))?.SetTag("messaging.message.id", message.MessageId);

    private static Activity? Start(ActivityKind kind, string operation, string queue, ActivityContext parent) =>
        Source.StartActivity(kind, parent, tags:
        [
            new("messaging.system", "aws_sqs"),
            new("messaging.operation.name", operation),
            new("messaging.operation.type", operation),
            new("messaging.destination.name", queue),
        ], name: $"{operation} {queue}");

    /// <summary>Adds the current activity's context to <paramref name="attributes"/>.</summary>
    public static void Inject(Activity? activity, Dictionary<string, MessageAttributeValue> attributes)
    {
        if (activity is null)
        {
            return;
        }
        DistributedContextPropagator.Current.Inject(activity, attributes, static (carrier, name, value) =>
        {
            if (carrier is Dictionary<string, MessageAttributeValue> map && value is not null)
            {
                map[name] = new MessageAttributeValue { DataType = "String", StringValue = value };
            }
        });
    }

    /// <summary>The producer's context from a received message, or default when it carried none.</summary>
    public static ActivityContext Extract(Message message)
    {
        string? traceParent = null, traceState = null;
        DistributedContextPropagator.Current.ExtractTraceIdAndState(message.MessageAttributes, static (carrier, name, out value, out values) =>
        {
            values = null;
            value = carrier is Dictionary<string, MessageAttributeValue> map && map.TryGetValue(name, out var attribute) ? attribute.StringValue : null;
        }, out traceParent, out traceState);
        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
    }
}
