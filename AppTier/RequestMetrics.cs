using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Amazon.SQS.Model;

namespace FaceRecognition.AppTier;

/// <summary>
/// What the app tier measures of each request, for the dashboard's charts (ServiceDefaults exports every
/// <c>FaceRecognition.*</c> meter): how long it waited in the request queue, and how long it took here, by mode and
/// outcome. The engine's own time per network is Vision's (<c>facerec.inference.duration</c>).
/// </summary>
internal static class RequestMetrics
{
    public const string MeterName = "FaceRecognition.AppTier";

    /// <summary>The SQS system attribute <see cref="QueueWait"/> reads; the worker asks for it on every receive.</summary>
    public const string SentTimestamp = "SentTimestamp";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly Histogram<double> s_queueWait = s_meter.CreateHistogram<double>("facerec.request.queue_wait", "ms",
        "From the request's send to its receive by an app-tier instance");
    private static readonly Histogram<double> s_duration = s_meter.CreateHistogram<double>("facerec.request.duration", "ms",
        "From receive to reply at the app tier, by mode and outcome");

    /// <summary>Records the time since SQS accepted <paramref name="message"/> (none when the attribute is missing).</summary>
    public static void QueueWait(Message message, TimeProvider time)
    {
        if (message.Attributes?.TryGetValue(SentTimestamp, out var sent) == true
            && long.TryParse(sent, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            s_queueWait.Record(Math.Max(0, time.GetUtcNow().ToUnixTimeMilliseconds() - milliseconds));
        }
    }

    /// <summary>Records one request's time here; <paramref name="outcome"/> is <c>answered</c>, an error code, or <c>failed</c>.</summary>
    public static void Duration(long startedTimestamp, string mode, string outcome) =>
        s_duration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds,
            new KeyValuePair<string, object?>("facerec.mode", mode), new KeyValuePair<string, object?>("facerec.outcome", outcome));
}
