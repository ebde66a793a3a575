using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Channels;

namespace FaceRecognition.Emulator.Lambda.Execution;

internal enum EnvironmentState
{
    Initializing,
    Idle,
    Busy,
    Stopped,
}

/// <summary>How an environment's initialisation ended: its runtime asked for work (no <paramref name="ErrorType"/>), or it
/// failed: with the runtime's own error document, or with Lambda's message (a crash, a timeout).</summary>
internal sealed record InitOutcome(double DurationMs, string? ErrorType = null, string? Message = null, byte[]? RuntimeError = null)
{
    public bool Failed => ErrorType is not null;

    /// <summary>The failure as the invocation that started the environment reports it.</summary>
    public InvocationResult ToResult(string requestId) => RuntimeError is not null
        ? new InvocationResult(RuntimeError, ErrorType, 0, DurationMs)
        : InvocationResult.Error(requestId, ErrorType!, Message!, 0, DurationMs);
}

/// <summary>
/// One execution environment, as Lambda runs them: the package's <c>bootstrap</c> as a process with the standard
/// variables, and a Runtime API of its own. One invocation at a time; an invocation that outlives the function's timeout
/// ends the environment (the process tree is killed) and fails as <c>Sandbox.Timedout</c>; a runtime that exits fails
/// its invocation as <c>Runtime.ExitError</c>. Everything the process writes goes to the function's log.
/// </summary>
internal sealed class ExecutionEnvironment : IRuntimeApiTarget, IAsyncDisposable
{
    private readonly FunctionVersion _function;
    private readonly EnvironmentSettings _settings;
    private readonly FunctionLogs _logs;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly Channel<Invocation> _queue = Channel.CreateBounded<Invocation>(1);
    private readonly TaskCompletionSource<InitOutcome> _init = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _ending = new();
    private readonly Lock _gate = new();
    private readonly long _startedAt;
    private RuntimeApiServer? _api;
    private Process? _process;
    private Invocation? _current;

    /// <summary>Whether the runtime has been handed <see cref="_current"/> (by a next).</summary>
    private bool _delivered;
    private long _currentStartedAt;
    private ITimer? _timeout;
    private int _invocations;

    private ExecutionEnvironment(FunctionVersion function, EnvironmentSettings settings, FunctionLogs logs, ILogger logger, TimeProvider clock)
    {
        _function = function;
        _settings = settings;
        _logs = logs;
        _logger = logger;
        _clock = clock;
        _startedAt = clock.GetTimestamp();
        Id = Guid.NewGuid().ToString("N")[..12];
        LastUsed = clock.GetUtcNow();
    }

    public string Id { get; }

    public FunctionVersion Function => _function;

    public EnvironmentState State { get; private set; } = EnvironmentState.Initializing;

    public int? ProcessId { get; private set; }

    public DateTimeOffset LastUsed { get; private set; }

    public double? InitDurationMs { get; private set; }

    public int Invocations => _invocations;

    /// <summary>A process for the attached-runtime mode: the runtime is started by someone else (an IDE) and only the
    /// Runtime API is served.</summary>
    public bool Attached { get; private init; }

    /// <summary>The Runtime API's host:port.</summary>
    public string RuntimeApi => _api!.Address;

    /// <summary>Starts the Runtime API and, unless <paramref name="attachedPort"/> is given, the function's bootstrap.</summary>
    public static async Task<ExecutionEnvironment> StartAsync(FunctionVersion function, EnvironmentSettings settings, FunctionLogs logs, ILogger logger,
        TimeProvider clock, int? attachedPort, CancellationToken cancellationToken)
    {
        var environment = new ExecutionEnvironment(function, settings, logs, logger, clock) { Attached = attachedPort is not null };
        environment._api = await RuntimeApiServer.StartAsync(environment, attachedPort ?? 0, cancellationToken);
        if (attachedPort is null) environment.Spawn();
        return environment;
    }

    private void Spawn()
    {
        var temp = Directory.CreateDirectory(Path.Combine(_settings.EnvironmentsRoot, Id)).FullName;
        var start = new ProcessStartInfo(Path.Combine(_function.CodeDirectory, "bootstrap"))
        {
            WorkingDirectory = _function.CodeDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Clear();
        foreach (var (name, value) in _settings.VariablesFor(_function, Id, _api!.Address, temp)) start.Environment[name] = value;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Output(e.Data);
        process.ErrorDataReceived += (_, e) => Output(e.Data);
        process.Exited += (_, _) => Exited();
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            _init.TrySetResult(new InitOutcome(0, "Runtime.InvalidEntrypoint", $"Couldn't start the bootstrap: {e.Message}"));
            State = EnvironmentState.Stopped;
            return;
        }
        _process = process;
        ProcessId = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Waits until the runtime asks for its first invocation, reports an init error, exits, or takes longer than
    /// <paramref name="timeout"/>.</summary>
    public async Task<InitOutcome> WaitForInitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await _init.Task.WaitAsync(timeout, _clock, cancellationToken);
        }
        catch (TimeoutException)
        {
            var elapsed = _clock.GetElapsedTime(_startedAt).TotalMilliseconds;
            var outcome = new InitOutcome(elapsed, "Runtime.InitTimeout",
                $"The runtime did not ask for an invocation within {timeout.TotalSeconds:0.##} seconds of starting.");
            _init.TrySetResult(outcome);
            Stop("initialisation timed out");
            return outcome;
        }
    }

    /// <summary>Runs one invocation (the environment must be idle) and returns how it ended. The timeout counts from
    /// here, as Lambda's does from the start of the invoke phase.</summary>
    public async Task<InvocationResult> InvokeAsync(Invocation invocation, double? initDurationMs)
    {
        lock (_gate)
        {
            if (State != EnvironmentState.Idle) throw new InvalidOperationException($"Environment {Id} is {State}, not idle.");
            State = EnvironmentState.Busy;
            _current = invocation;
            _delivered = false;
            _currentStartedAt = _clock.GetTimestamp();
            Interlocked.Increment(ref _invocations);
            _timeout = _clock.CreateTimer(_ => TimedOut(invocation), null, _function.Timeout, Timeout.InfiniteTimeSpan);
            _logs.Write(_function.Name, Id, $"START RequestId: {invocation.RequestId} Version: $LATEST", invocation);
            // Queued under the gate: a next that arrives now finds it waiting rather than taking it for unanswered.
            _queue.Writer.TryWrite(invocation);
        }
        var result = await invocation.Completion;
        lock (_gate)
        {
            _timeout?.Dispose();
            _current = null;
            LastUsed = _clock.GetUtcNow();
            if (State == EnvironmentState.Busy) State = EnvironmentState.Idle;
        }
        var report = new StringBuilder();
        report.Append(CultureInfo.InvariantCulture, $"REPORT RequestId: {invocation.RequestId}\tDuration: {result.DurationMs:F2} ms\tBilled Duration: {Math.Ceiling(result.DurationMs):F0} ms\tMemory Size: {_function.MemorySize} MB\tMax Memory Used: {MaxMemoryUsedMb()} MB");
        if (initDurationMs is { } init) report.Append(CultureInfo.InvariantCulture, $"\tInit Duration: {init:F2} ms");
        _logs.Write(_function.Name, Id, $"END RequestId: {invocation.RequestId}", invocation);
        _logs.Write(_function.Name, Id, report.ToString(), invocation);
        return result with { InitDurationMs = initDurationMs };
    }

    async Task<Delivery?> IRuntimeApiTarget.NextAsync(CancellationToken aborted)
    {
        lock (_gate)
        {
            if (State == EnvironmentState.Initializing)
            {
                State = EnvironmentState.Idle;
                InitDurationMs = _clock.GetElapsedTime(_startedAt).TotalMilliseconds;
                _init.TrySetResult(new InitOutcome(InitDurationMs.Value));
            }
            else if (_current is { } unanswered && _delivered)
            {
                // Asking for more work without answering the invocation it was given ends that invocation.
                Finish(unanswered, InvocationResult.Error(unanswered.RequestId, "Runtime.InvalidResponse",
                    "The runtime asked for the next invocation without answering this one.", Elapsed()));
            }
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _ending.Token);
        try
        {
            Invocation invocation;
            while (true)
            {
                invocation = await _queue.Reader.ReadAsync(linked.Token);
                lock (_gate)
                {
                    // One that ended before it was handed over (it timed out waiting) is not delivered.
                    if (_current != invocation) continue;
                    _delivered = true;
                    break;
                }
            }
            var deadline = _clock.GetUtcNow() + _function.Timeout - _clock.GetElapsedTime(_currentStartedAt);
            return new Delivery(invocation, deadline, _function.Arn);
        }
        catch (OperationCanceledException) when (_ending.IsCancellationRequested)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    RuntimeApiRefusal? IRuntimeApiTarget.Respond(string requestId, byte[] response)
    {
        lock (_gate)
        {
            if (_current?.RequestId != requestId) return UnknownRequest(requestId);
            Finish(_current, new InvocationResult(response, null, Elapsed(), null));
            return null;
        }
    }

    RuntimeApiRefusal? IRuntimeApiTarget.ReportError(string requestId, string? errorType, byte[] error)
    {
        lock (_gate)
        {
            if (_current?.RequestId != requestId) return UnknownRequest(requestId);
            Finish(_current, new InvocationResult(error.Length > 0 ? error : ErrorDocument(errorType, "The function failed."), ErrorTypeOf(errorType, error), Elapsed(), null));
            return null;
        }
    }

    RuntimeApiRefusal? IRuntimeApiTarget.ReportInitError(string? errorType, byte[] error)
    {
        lock (_gate)
        {
            if (State != EnvironmentState.Initializing)
            {
                return new RuntimeApiRefusal(403, "InvalidStateTransition", "init/error may only be posted before the first invocation/next.");
            }
            var elapsed = _clock.GetElapsedTime(_startedAt).TotalMilliseconds;
            var type = ErrorTypeOf(errorType, error) ?? "Runtime.InitError";
            _init.TrySetResult(new InitOutcome(elapsed, type, RuntimeError: error.Length > 0 ? error : ErrorDocument(type, "The function failed to initialise.")));
        }
        Stop("its runtime reported an init error");
        return null;
    }

    void IRuntimeApiTarget.ResponseTooLarge(string requestId)
    {
        lock (_gate)
        {
            if (_current?.RequestId != requestId) return;
            Finish(_current, InvocationResult.Error(requestId, "Function.ResponseSizeTooLarge",
                $"Response payload size exceeded maximum allowed payload size ({RuntimeApiServer.MaxResponseBytes} bytes).", Elapsed()));
        }
    }

    private void TimedOut(Invocation invocation)
    {
        lock (_gate)
        {
            if (_current != invocation) return;
            var seconds = _function.Timeout.TotalSeconds;
            _logs.Write(_function.Name, Id, $"{_clock.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} {invocation.RequestId} Task timed out after {seconds:F2} seconds", invocation);
            Finish(invocation, InvocationResult.Error(invocation.RequestId, "Sandbox.Timedout", $"Task timed out after {seconds:F2} seconds", Elapsed()));
            State = EnvironmentState.Stopped;
        }
        Stop("its invocation timed out");
    }

    private void Exited()
    {
        var code = _process?.ExitCode ?? -1;
        // A process killed by a signal reports 128 + the signal's number.
        var how = code > 128 && code < 160 ? $"signal: {SignalName(code - 128)}" : $"exit status {code}";
        lock (_gate)
        {
            var wasStopping = State == EnvironmentState.Stopped;
            State = EnvironmentState.Stopped;
            var elapsed = _clock.GetElapsedTime(_startedAt).TotalMilliseconds;
            _init.TrySetResult(new InitOutcome(elapsed, "Runtime.ExitError", $"Runtime exited with error: {how}"));
            if (_current is { } current)
            {
                Finish(current, InvocationResult.Error(current.RequestId, "Runtime.ExitError", $"Runtime exited with error: {how}", Elapsed()));
            }
            if (!wasStopping) _logger.LogWarning("{Function}: environment {Environment} (pid {Pid}) exited ({How})", _function.Name, Id, ProcessId, how);
        }
        _ending.Cancel();
    }

    private void Output(string? line)
    {
        if (line is null) return;
        _logs.Write(_function.Name, Id, line, _current);
    }

    /// <summary>Call under the gate.</summary>
    private void Finish(Invocation invocation, InvocationResult result)
    {
        _timeout?.Dispose();
        invocation.Complete(result);
        if (_current == invocation) _current = null;
    }

    private double Elapsed() => _clock.GetElapsedTime(_currentStartedAt).TotalMilliseconds;

    private RuntimeApiRefusal UnknownRequest(string requestId) =>
        new(400, "InvalidRequestID", $"Invocation {requestId} is not the one this environment is running.");

    private static string? ErrorTypeOf(string? header, byte[] error)
    {
        if (!string.IsNullOrEmpty(header)) return header;
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(error, RuntimeApiJson.Default.RuntimeErrorDocument)?.ErrorType is { Length: > 0 } type ? type : "Unhandled";
        }
        catch (System.Text.Json.JsonException)
        {
            return "Unhandled";
        }
    }

    private static byte[] ErrorDocument(string? errorType, string message) =>
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new RuntimeErrorDocument(message, errorType ?? "Unhandled"), RuntimeApiJson.Default.RuntimeErrorDocument);

    private static string SignalName(int signal) => signal switch
    {
        9 => "killed",
        15 => "terminated",
        11 => "segmentation fault",
        6 => "aborted",
        _ => signal.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The process's peak resident memory (VmHWM), as REPORT lines give it.</summary>
    private int MaxMemoryUsedMb()
    {
        try
        {
            if (ProcessId is not { } pid || !OperatingSystem.IsLinux()) return 0;
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : (int)(long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Ends the environment: the runtime's pending <c>next</c> returns, the process tree is killed.</summary>
    public void Stop(string why)
    {
        bool first;
        lock (_gate)
        {
            if (State == EnvironmentState.Stopped && _process is { HasExited: true }) return;
            first = State != EnvironmentState.Stopped;
            State = EnvironmentState.Stopped;
        }
        _ending.Cancel();
        _queue.Writer.TryComplete();
        try
        {
            if (_process is { HasExited: false } process)
            {
                if (first) _logger.LogInformation("{Function}: stopping environment {Environment} (pid {Pid}): {Why}", _function.Name, Id, ProcessId, why);
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Stop("the environment is being discarded");
        if (_process is { } process)
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            process.Dispose();
        }
        if (_api is not null) await _api.DisposeAsync();
        _ending.Dispose();
        try
        {
            Directory.Delete(Path.Combine(_settings.EnvironmentsRoot, Id), recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException e)
        {
            _logger.LogWarning(e, "{Function}: environment {Environment}'s temporary folder could not be removed", _function.Name, Id);
        }
    }
}
