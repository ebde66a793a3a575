using System.Diagnostics;
using System.Diagnostics.Metrics;
using FaceRecognition.Cloud.Messaging;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.Lambdas.Runtime;

/// <summary>Runs the handler for one S3 event (an invocation, or one record of an SQS batch) and says how it ended.</summary>
public sealed partial class FunctionInvoker(IS3EventHandler handler, string functionName, ILogger logger, TimeProvider time)
{
    public const string MeterName = "FaceRecognition.Functions";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly Histogram<double> s_duration = s_meter.CreateHistogram<double>("facerec.function.duration", "ms", "Invocation duration");
    private static readonly UpDownCounter<int> s_running = s_meter.CreateUpDownCounter<int>("facerec.function.running", description: "Invocations running now");

    public string FunctionName => functionName;

    public async Task<InvocationOutcome> InvokeAsync(string eventJson, string requestId, TimeSpan timeout, CancellationToken stopping)
    {
        S3Event? s3Event;
        try
        {
            s3Event = S3Event.Parse(eventJson);
        }
        catch (FormatException e)
        {
            return InvocationOutcome.Rejected(e.Message);
        }
        if (s3Event is null)
        {
            LogTestEvent(requestId);
            return InvocationOutcome.Ignored;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(timeout);
        var context = new FunctionContext(functionName, requestId, time.GetUtcNow() + timeout, logger, deadline.Token);
        var started = time.GetTimestamp();
        s_running.Add(1);
        var outcome = "error";
        try
        {
            using var scope = logger.BeginScope("{Function} {RequestId}", functionName, requestId);
            await handler.HandleAsync(s3Event, context);
            outcome = "success";
            return InvocationOutcome.Success;
        }
        catch (InputRejectedException e)
        {
            outcome = "rejected";
            LogRejected(requestId, e.Message);
            return InvocationOutcome.Rejected(e.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            outcome = "stopped";
            return InvocationOutcome.Stopped;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            outcome = "timeout";
            var cause = $"Timed out after {timeout.TotalSeconds:0.#} s.";
            LogFailed(requestId, cause, null);
            return InvocationOutcome.Failed(cause, "TimeoutError");
        }
        catch (Exception e)
        {
            LogFailed(requestId, e.Message, e);
            return InvocationOutcome.Failed(e.Message, e.GetType().Name);
        }
        finally
        {
            var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
            s_running.Add(-1);
            s_duration.Record(elapsed, new TagList { { "function", functionName }, { "outcome", outcome } });
        }
    }

    [LoggerMessage(LogLevel.Information, "Ignored s3:TestEvent {RequestId}")]
    private partial void LogTestEvent(string requestId);

    [LoggerMessage(LogLevel.Warning, "Invocation {RequestId} rejected its input: {Cause}")]
    private partial void LogRejected(string requestId, string cause);

    [LoggerMessage(LogLevel.Error, "Invocation {RequestId} failed: {Cause}")]
    private partial void LogFailed(string requestId, string cause, Exception? exception);
}

public enum InvocationResult
{
    Success,
    Ignored,
    Rejected,
    Failed,
    Stopped,
}

/// <param name="ErrorType">For failures: the exception's type name, as the Runtime API's errorType.</param>
public sealed record InvocationOutcome(InvocationResult Result, string? Cause = null, string? ErrorType = null)
{
    public static readonly InvocationOutcome Success = new(InvocationResult.Success);
    public static readonly InvocationOutcome Ignored = new(InvocationResult.Ignored);
    public static readonly InvocationOutcome Stopped = new(InvocationResult.Stopped, "The function host is stopping.");

    public static InvocationOutcome Rejected(string cause) => new(InvocationResult.Rejected, cause, nameof(InputRejectedException));

    public static InvocationOutcome Failed(string cause, string errorType) => new(InvocationResult.Failed, cause, errorType);
}
