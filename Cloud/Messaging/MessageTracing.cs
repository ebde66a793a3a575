using System.Diagnostics;
using Amazon.SQS.Model;

namespace FaceRecognition.Cloud.Messaging;

/// <summary>
/// Carries the W3C trace context (<c>traceparent</c>, <c>tracestate</c>) in SQS message attributes, so one trace spans
/// the producer, the queue and the consumer.
/// </summary>
public static class MessageTracing
{
    public const string SourceName = "FaceRecognition.Messaging";

    public static readonly ActivitySource Source = new(SourceName);

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
