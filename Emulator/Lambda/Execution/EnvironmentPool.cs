namespace FaceRecognition.Emulator.Lambda.Execution;

/// <summary>An execution environment as the admin API shows it.</summary>
internal sealed record EnvironmentStatus(string Id, int? ProcessId, string State, int Invocations, double? InitDurationMs, DateTimeOffset LastUsed, bool Attached);

/// <summary>
/// The execution environments of one function: an invocation takes the most recently used idle one of the function's
/// current revision, or starts a new one (a cold start); after it, the environment waits for the next invocation until
/// it has been idle too long. Environments of an older revision, and ones whose process died, are not reused. While a
/// runtime is attached (an IDE debugging the function), every invocation goes to it, one at a time.
/// </summary>
internal sealed class EnvironmentPool(string function, Func<FunctionVersion, int?, Task<ExecutionEnvironment>> start, ILogger logger) : IAsyncDisposable
{
    /// <summary>Lambda gives a runtime 10 s to initialise; here at least the function's timeout, since a cold start on a
    /// busy small machine can take longer than on Lambda.</summary>
    private static readonly TimeSpan s_minimumInitTimeout = TimeSpan.FromSeconds(10);

    /// <summary>An attached runtime is started by hand (in a debugger): it may take its time to ask for work.</summary>
    private static readonly TimeSpan s_attachedInitTimeout = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private readonly List<ExecutionEnvironment> _all = [];
    private readonly Stack<ExecutionEnvironment> _idle = new();
    private readonly SemaphoreSlim _attachedTurn = new(1);
    private string? _revision;
    private ExecutionEnvironment? _attached;

    public string Function => function;

    public async Task<InvocationResult> InvokeAsync(FunctionVersion version, Invocation invocation, CancellationToken cancellationToken)
    {
        lock (_gate) _revision = version.RevisionId;
        if (Volatile.Read(ref _attached) is { } attached) return await InvokeAttachedAsync(attached, invocation, cancellationToken);

        var environment = TakeIdle(version.RevisionId);
        double? initDuration = null;
        if (environment is null)
        {
            environment = await start(version, null);
            lock (_gate) _all.Add(environment);
            var outcome = await environment.WaitForInitAsync(Max(version.Timeout, s_minimumInitTimeout), cancellationToken);
            if (outcome.Failed)
            {
                logger.LogWarning("{Function}: environment {Environment} failed to initialise: {ErrorType} {Message}", function, environment.Id, outcome.ErrorType, outcome.Message);
                await DiscardAsync(environment);
                return outcome.ToResult(invocation.RequestId);
            }
            initDuration = outcome.DurationMs;
            logger.LogInformation("{Function}: environment {Environment} started (pid {Pid}), initialised in {InitMs:F0} ms", function, environment.Id,
                environment.ProcessId, outcome.DurationMs);
        }
        try
        {
            return await environment.InvokeAsync(invocation, initDuration);
        }
        finally
        {
            await ReleaseAsync(environment);
        }
    }

    private async Task<InvocationResult> InvokeAttachedAsync(ExecutionEnvironment attached, Invocation invocation, CancellationToken cancellationToken)
    {
        await _attachedTurn.WaitAsync(cancellationToken);
        try
        {
            double? initDuration = null;
            if (attached.State == EnvironmentState.Initializing)
            {
                var outcome = await attached.WaitForInitAsync(s_attachedInitTimeout, cancellationToken);
                if (outcome.Failed) return outcome.ToResult(invocation.RequestId);
                initDuration = outcome.DurationMs;
            }
            return await attached.InvokeAsync(invocation, initDuration);
        }
        finally
        {
            _attachedTurn.Release();
        }
    }

    /// <summary>Serves the function's Runtime API on <paramref name="port"/> for a runtime started elsewhere (an IDE);
    /// until it is detached, every invocation goes there.</summary>
    public async Task<ExecutionEnvironment> AttachAsync(FunctionVersion version, int port)
    {
        var environment = await start(version, port);
        var previous = Interlocked.Exchange(ref _attached, environment);
        if (previous is not null) await previous.DisposeAsync();
        lock (_gate) _all.Add(environment);
        return environment;
    }

    public async Task DetachAsync()
    {
        if (Interlocked.Exchange(ref _attached, null) is { } attached) await DiscardAsync(attached);
    }

    public IReadOnlyList<EnvironmentStatus> Status()
    {
        lock (_gate)
        {
            return [.. _all.Select(e => new EnvironmentStatus(e.Id, e.ProcessId, e.State.ToString(), e.Invocations, e.InitDurationMs, e.LastUsed, e.Attached))];
        }
    }

    /// <summary>Ends idle environments unused since <paramref name="unusedSince"/>, and idle ones of an older revision.</summary>
    public async Task StopIdleAsync(DateTimeOffset unusedSince, string why)
    {
        List<ExecutionEnvironment> stale;
        lock (_gate)
        {
            stale = [.. _idle.Where(e => e.LastUsed < unusedSince || e.Function.RevisionId != _revision)];
            var keep = _idle.Where(e => !stale.Contains(e)).Reverse().ToList();
            _idle.Clear();
            foreach (var environment in keep) _idle.Push(environment);
        }
        foreach (var environment in stale)
        {
            environment.Stop(environment.Function.RevisionId != _revision ? "the function changed" : why);
            await DiscardAsync(environment);
        }
    }

    /// <summary>The function changed: idle environments of the old revision end now, busy ones after their invocation.</summary>
    public Task RetireAsync(string revision)
    {
        lock (_gate) _revision = revision;
        return StopIdleAsync(DateTimeOffset.MinValue, "the function changed");
    }

    private ExecutionEnvironment? TakeIdle(string revision)
    {
        var unusable = new List<ExecutionEnvironment>();
        ExecutionEnvironment? found = null;
        lock (_gate)
        {
            while (_idle.TryPop(out var environment))
            {
                if (environment.State == EnvironmentState.Idle && environment.Function.RevisionId == revision)
                {
                    found = environment;
                    break;
                }
                unusable.Add(environment);
            }
        }
        foreach (var environment in unusable) _ = DiscardAsync(environment);
        return found;
    }

    private async Task ReleaseAsync(ExecutionEnvironment environment)
    {
        bool reusable;
        lock (_gate)
        {
            reusable = environment.State == EnvironmentState.Idle && environment.Function.RevisionId == _revision;
            if (reusable) _idle.Push(environment);
        }
        if (!reusable) await DiscardAsync(environment);
    }

    private async Task DiscardAsync(ExecutionEnvironment environment)
    {
        lock (_gate) _all.Remove(environment);
        await environment.DisposeAsync();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public async ValueTask DisposeAsync()
    {
        List<ExecutionEnvironment> all;
        lock (_gate)
        {
            all = [.. _all];
            _all.Clear();
            _idle.Clear();
        }
        await Task.WhenAll(all.Select(e => e.DisposeAsync().AsTask()));
        _attachedTurn.Dispose();
    }
}
