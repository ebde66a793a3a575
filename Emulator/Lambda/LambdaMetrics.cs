using FaceRecognition.Emulator.CloudWatch;

namespace FaceRecognition.Emulator.Lambda;

/// <summary>Lambda's standard metrics (namespace <c>AWS/Lambda</c>), published per function (dimension
/// <c>FunctionName</c>) and for the account (no dimension), as Lambda publishes them to CloudWatch.</summary>
internal sealed class LambdaMetrics(MetricStore metrics)
{
    public const string Namespace = "AWS/Lambda";

    /// <summary>An invocation that ran: Invocations 1, Errors 0 or 1, its Duration.</summary>
    public void Invoked(string function, double durationMs, bool failed)
    {
        Put(function, "Invocations", 1);
        Put(function, "Errors", failed ? 1 : 0);
        Put(function, "Duration", durationMs);
    }

    public void Throttled(string function) => Put(function, "Throttles", 1);

    /// <summary>Invocations running at once, sampled whenever it changes: Maximum is the peak.</summary>
    public void Concurrency(string function, int functionRunning, int totalRunning)
    {
        metrics.Put(MetricId.Of(Namespace, "ConcurrentExecutions", ("FunctionName", function)), functionRunning);
        metrics.Put(MetricId.Of(Namespace, "ConcurrentExecutions"), totalRunning);
    }

    private void Put(string function, string name, double value)
    {
        metrics.Put(MetricId.Of(Namespace, name, ("FunctionName", function)), value);
        metrics.Put(MetricId.Of(Namespace, name), value);
    }
}
