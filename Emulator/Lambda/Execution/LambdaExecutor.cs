using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Lambda.Execution;

/// <summary>A function's running side, as the admin API shows it: invocations running now and at most at once,
/// counts since the emulator started, and its execution environments.</summary>
internal sealed record FunctionRunStatus(string Name, int Running, int PeakRunning, long Invocations, long Errors, long Throttles,
    IReadOnlyList<EnvironmentStatus> Environments);

/// <summary>Counts of one function since the emulator started.</summary>
internal sealed class FunctionCounters
{
    public long Invocations;
    public long Errors;
    public long Throttles;
    public int PeakRunning;
}

/// <summary>
/// Runs invocations: takes a concurrency slot (or throttles), hands the invocation to one of the function's execution
/// environments (<see cref="EnvironmentPool"/>), and publishes the outcome as Lambda's metrics. Every invocation goes
/// through here, whoever asked: Invoke, an event source mapping, or the asynchronous event queue. In the background it
/// stops environments that have been idle too long, and at shutdown all of them.
/// </summary>
internal sealed class LambdaExecutor(
    EmulatorStore store,
    LambdaStore lambda,
    LambdaNames names,
    CodePackages packages,
    EnvironmentSettings settings,
    FunctionLogs logs,
    LambdaMetrics metrics,
    ConcurrencyGate concurrency,
    EmulatorOptions options,
    TimeProvider clock,
    ILoggerFactory loggers) : BackgroundService
{
    private static readonly TimeSpan s_reapPeriod = TimeSpan.FromSeconds(5);
    private readonly Dictionary<string, EnvironmentPool> _pools = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, FunctionCounters> _counters = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ILogger _logger = loggers.CreateLogger<LambdaExecutor>();

    /// <summary>Runs an invocation of <paramref name="functionName"/> and returns how it ended.</summary>
    /// <param name="queue">Wait for a free slot (event sources, asynchronous invocations) rather than throttle (Invoke).</param>
    public async Task<InvocationResult> InvokeAsync(string functionName, Invocation invocation, bool queue, CancellationToken cancellationToken)
    {
        ConcurrencySlot slot;
        if (queue)
        {
            slot = await concurrency.AcquireAsync(functionName, () => Limits(functionName), cancellationToken);
        }
        else
        {
            var (reserved, totalReserved) = Limits(functionName);
            if (concurrency.TryAcquire(functionName, reserved, totalReserved, out var reason) is not { } acquired)
            {
                metrics.Throttled(functionName);
                Interlocked.Increment(ref Counters(functionName).Throttles);
                throw LambdaErrors.Throttled(reason!);
            }
            slot = acquired;
        }
        ReportConcurrency(functionName);
        try
        {
            // Read again now that it may run: it can have changed, or gone, while the invocation waited.
            var function = store.Read(() => lambda.FindFunction(functionName)) ?? throw LambdaErrors.FunctionNotFound(names.FunctionArn(functionName));
            var version = FunctionVersion.Of(function, names.FunctionArn(function.Name), packages.EnsureUnpacked(function));
            var result = await Pool(functionName).InvokeAsync(version, invocation, cancellationToken);
            metrics.Invoked(functionName, result.DurationMs, result.Failed);
            var counters = Counters(functionName);
            Interlocked.Increment(ref counters.Invocations);
            if (result.Failed) Interlocked.Increment(ref counters.Errors);
            return result;
        }
        finally
        {
            slot.Dispose();
            ReportConcurrency(functionName);
        }
    }

    /// <summary>Waits until an invocation of the function would not have to wait for concurrency.</summary>
    public Task WaitForCapacityAsync(string functionName, CancellationToken cancellationToken) =>
        concurrency.WaitForCapacityAsync(functionName, () => Limits(functionName), cancellationToken);

    /// <summary>The function changed (code or configuration): its environments of the old revision are retired.</summary>
    public Task FunctionChangedAsync(string functionName, string revision) =>
        TryGetPool(functionName) is { } pool ? pool.RetireAsync(revision) : Task.CompletedTask;

    /// <summary>The function is gone: its environments end.</summary>
    public async Task FunctionDeletedAsync(string functionName)
    {
        EnvironmentPool? pool;
        lock (_gate) _pools.Remove(functionName, out pool);
        if (pool is not null) await pool.DisposeAsync();
    }

    /// <summary>Serves a function's Runtime API on a fixed port for a runtime an IDE starts (see the AppHost's debug switch).</summary>
    public async Task<(string RuntimeApi, IEnumerable<(string Name, string Value)> Variables)> AttachAsync(string functionName, int port)
    {
        var function = store.Read(() => lambda.FindFunction(functionName)) ?? throw LambdaErrors.FunctionNotFound(names.FunctionArn(functionName));
        var version = FunctionVersion.Of(function, names.FunctionArn(function.Name), packages.EnsureUnpacked(function));
        var environment = await Pool(functionName).AttachAsync(version, port);
        return (environment.RuntimeApi, settings.VariablesFor(version, environment.Id, environment.RuntimeApi, Path.GetTempPath()));
    }

    public Task DetachAsync(string functionName) => TryGetPool(functionName)?.DetachAsync() ?? Task.CompletedTask;

    public IReadOnlyList<FunctionRunStatus> Status()
    {
        List<EnvironmentPool> pools;
        lock (_gate) pools = [.. _pools.Values];
        return [.. pools.Select(p =>
        {
            var counters = Counters(p.Function);
            return new FunctionRunStatus(p.Function, concurrency.Running(p.Function).Function, Volatile.Read(ref counters.PeakRunning),
                Interlocked.Read(ref counters.Invocations), Interlocked.Read(ref counters.Errors), Interlocked.Read(ref counters.Throttles), p.Status());
        })];
    }

    private FunctionCounters Counters(string functionName) => _counters.GetOrAdd(functionName, _ => new FunctionCounters());

    private (int? Reserved, int TotalReserved) Limits(string functionName) => store.Read(() =>
    {
        var functions = lambda.Functions();
        var function = functions.FirstOrDefault(f => f.Name == functionName) ?? throw LambdaErrors.FunctionNotFound(names.FunctionArn(functionName));
        return (function.ReservedConcurrency, functions.Sum(f => f.ReservedConcurrency ?? 0));
    });

    private void ReportConcurrency(string functionName)
    {
        var (function, total) = concurrency.Running(functionName);
        metrics.Concurrency(functionName, function, total);
        var counters = Counters(functionName);
        int peak;
        while (function > (peak = Volatile.Read(ref counters.PeakRunning)) && Interlocked.CompareExchange(ref counters.PeakRunning, function, peak) != peak)
        {
        }
    }

    private EnvironmentPool Pool(string functionName)
    {
        lock (_gate)
        {
            if (!_pools.TryGetValue(functionName, out var pool))
            {
                _pools[functionName] = pool = new EnvironmentPool(functionName, StartEnvironmentAsync, _logger);
            }
            return pool;
        }
    }

    private EnvironmentPool? TryGetPool(string functionName)
    {
        lock (_gate) return _pools.GetValueOrDefault(functionName);
    }

    private Task<ExecutionEnvironment> StartEnvironmentAsync(FunctionVersion version, int? attachedPort) =>
        ExecutionEnvironment.StartAsync(version, settings, logs, _logger, clock, attachedPort, CancellationToken.None);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Folders of environments a crash left behind.
        if (Directory.Exists(settings.EnvironmentsRoot)) Directory.Delete(settings.EnvironmentsRoot, recursive: true);
        using var timer = new PeriodicTimer(s_reapPeriod, clock);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            List<EnvironmentPool> pools;
            lock (_gate) pools = [.. _pools.Values];
            foreach (var pool in pools)
            {
                try
                {
                    await pool.StopIdleAsync(clock.GetUtcNow() - options.Lambda.IdleTimeout, $"idle for {options.Lambda.IdleTimeout.TotalMinutes:0.#} minutes");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogError(e, "Stopping idle environments of {Function} failed", pool.Function);
                }
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        List<EnvironmentPool> pools;
        lock (_gate)
        {
            pools = [.. _pools.Values];
            _pools.Clear();
        }
        await Task.WhenAll(pools.Select(p => p.DisposeAsync().AsTask()));
    }
}
