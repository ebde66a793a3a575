namespace FaceRecognition.Emulator.Lambda.Execution;

/// <summary>One line a function's environments wrote (or Lambda wrote for it: START, END, REPORT, timeouts).</summary>
internal sealed record LogLine(long Sequence, DateTimeOffset Time, string Environment, string Text);

/// <summary>
/// Each function's log, as CloudWatch Logs would have it: the last lines in memory, readable from a position and
/// followed as they come (the AppHost shows them in the dashboard), and in the emulator's own log at Debug level. The
/// line also goes to the invocation it belongs to, for <c>X-Amz-Log-Result</c>.
/// </summary>
internal sealed class FunctionLogs(ILogger<FunctionLogs> logger, TimeProvider clock)
{
    private const int KeptLines = 5000;
    private readonly Dictionary<string, FunctionLog> _logs = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void Write(string function, string environment, string text, Invocation? invocation)
    {
        invocation?.AppendLog(text);
        logger.LogDebug("[{Function} {Environment}] {Line}", function, environment, text);
        TaskCompletionSource signal;
        lock (_gate)
        {
            var log = LogOf(function);
            log.Lines.Enqueue(new LogLine(++log.LastSequence, clock.GetUtcNow(), environment, text));
            while (log.Lines.Count > KeptLines) log.Lines.Dequeue();
            signal = log.Written;
            log.Written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        signal.TrySetResult();
    }

    /// <summary>The lines after <paramref name="afterSequence"/>, waiting up to <paramref name="wait"/> for one if there
    /// are none yet.</summary>
    public async Task<IReadOnlyList<LogLine>> ReadAsync(string function, long afterSequence, TimeSpan wait, CancellationToken cancellationToken)
    {
        Task written;
        lock (_gate)
        {
            var log = LogOf(function);
            if (log.LastSequence > afterSequence) return [.. log.Lines.Where(l => l.Sequence > afterSequence)];
            written = log.Written.Task;
        }
        await written.WaitAsync(wait, clock, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate) return [.. LogOf(function).Lines.Where(l => l.Sequence > afterSequence)];
    }

    private FunctionLog LogOf(string function)
    {
        if (!_logs.TryGetValue(function, out var log)) _logs[function] = log = new FunctionLog();
        return log;
    }

    private sealed class FunctionLog
    {
        public Queue<LogLine> Lines { get; } = new();
        public long LastSequence { get; set; }
        public TaskCompletionSource Written { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
