using System.Text;
using System.Text.Json;

namespace FaceRecognition.Emulator.Lambda.Execution;

/// <summary>One invocation of a function: its event, and how it ended once an execution environment has run it.</summary>
internal sealed class Invocation(string requestId, byte[] payload, string source)
{
    /// <summary>The most of an invocation's log kept for <c>X-Amz-Log-Result</c> (Lambda returns the last 4 KB).</summary>
    public const int LogTailBytes = 4096;

    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<InvocationResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string RequestId { get; } = requestId;

    public byte[] Payload { get; } = payload;

    /// <summary>Who asked: <c>Invoke</c>, <c>Event</c>, or an event source mapping's id (for logs).</summary>
    public string Source { get; } = source;

    /// <summary>The X-Ray trace header handed to the runtime as <c>Lambda-Runtime-Trace-Id</c>.</summary>
    public string TraceId { get; } = $"Root=1-{DateTimeOffset.UtcNow.ToUnixTimeSeconds():x8}-{Guid.NewGuid().ToString("N")[..24]};Parent={Guid.NewGuid().ToString("N")[..16]};Sampled=0";

    public Task<InvocationResult> Completion => _completion.Task;

    public void AppendLog(string line)
    {
        lock (_log)
        {
            _log.Append(line).Append('\n');
            // Keep a little more than the tail, as characters, so trimming to bytes later has enough.
            if (_log.Length > 2 * LogTailBytes) _log.Remove(0, _log.Length - LogTailBytes);
        }
    }

    /// <summary>The last 4 KB of the invocation's log, base64, as <c>X-Amz-Log-Result</c> carries it.</summary>
    public string LogTail()
    {
        string text;
        lock (_log) text = _log.ToString();
        var bytes = Encoding.UTF8.GetBytes(text);
        return Convert.ToBase64String(bytes.AsSpan(Math.Max(0, bytes.Length - LogTailBytes)));
    }

    /// <summary>Ends the invocation with its outcome; the first outcome wins (a response racing a timeout, say).</summary>
    public bool Complete(InvocationResult result) => _completion.TrySetResult(result);
}

/// <summary>How an invocation ended: the function's response, or an error in the shape Lambda reports it.</summary>
/// <param name="ErrorType">Null on success; otherwise the error's type (the runtime's, or Lambda's own such as
/// <c>Sandbox.Timedout</c> or <c>Runtime.ExitError</c>), with <paramref name="Payload"/> the error document.</param>
/// <param name="InitDurationMs">Set for the invocation that started its environment (a cold start).</param>
internal sealed record InvocationResult(byte[] Payload, string? ErrorType, double DurationMs, double? InitDurationMs)
{
    public bool Failed => ErrorType is not null;

    /// <summary>An error raised by Lambda itself rather than reported by the function's runtime.</summary>
    public static InvocationResult Error(string requestId, string errorType, string message, double durationMs, double? initDurationMs = null) =>
        new(JsonSerializer.SerializeToUtf8Bytes(new RuntimeErrorDocument($"RequestId: {requestId} Error: {message}", errorType),
            RuntimeApiJson.Default.RuntimeErrorDocument), errorType, durationMs, initDurationMs);

    /// <summary>The error's message, read back from the payload (for logs and dead letters).</summary>
    public string ErrorMessage()
    {
        try
        {
            var document = JsonSerializer.Deserialize(Payload, RuntimeApiJson.Default.RuntimeErrorDocument);
            return document?.ErrorMessage ?? Encoding.UTF8.GetString(Payload);
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(Payload);
        }
    }
}
