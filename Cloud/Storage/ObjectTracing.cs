using System.Diagnostics;
using Amazon.S3.Model;

namespace FaceRecognition.Cloud.Storage;

/// <summary>
/// Carries the W3C trace context in S3 object metadata (<c>x-amz-meta-traceparent</c>), so the event-driven path of a
/// video (upload -> split -> frames -> recognition) is one trace although S3 events carry no context.
/// </summary>
public static class ObjectTracing
{
    public const string SourceName = "FaceRecognition.Functions";

    public static readonly ActivitySource Source = new(SourceName);

    private const string TraceParent = "traceparent";
    private const string TraceState = "tracestate";

    public static void Inject(Activity? activity, MetadataCollection metadata)
    {
        if (activity is null)
        {
            return;
        }
        metadata[TraceParent] = activity.Id;
        if (activity.TraceStateString is { Length: > 0 } state)
        {
            metadata[TraceState] = state;
        }
    }

    /// <summary>Starts a span continuing the trace an object was written in (a new trace when it carried none).</summary>
    public static Activity? StartFrom(MetadataCollection metadata, string name)
    {
        var parent = ActivityContext.TryParse(Read(metadata, TraceParent), Read(metadata, TraceState), isRemote: true, out var context) ? context : default;
        return Source.StartActivity(name, ActivityKind.Consumer, parent);
    }

    private static string? Read(MetadataCollection metadata, string name) =>
        metadata.Keys.Contains("x-amz-meta-" + name) ? metadata["x-amz-meta-" + name] : null;
}
