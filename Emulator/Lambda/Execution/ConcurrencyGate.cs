namespace FaceRecognition.Emulator.Lambda.Execution;

/// <summary>
/// Lambda's concurrency, as AWS accounts it: a function with reserved concurrency runs at most that many invocations
/// at once (0: none); the others share what the account limit leaves unreserved. An invocation holds its slot from
/// the moment it needs an environment (a cold start included) until it ends.
/// </summary>
internal sealed class ConcurrencyGate(int accountLimit)
{
    public const string ReservedLimitExceeded = "ReservedFunctionConcurrentInvocationLimitExceeded";
    public const string AccountLimitExceeded = "ConcurrentInvocationLimitExceeded";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _running = new(StringComparer.Ordinal);
    private int _unreservedRunning;
    private int _total;
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int AccountLimit => accountLimit;

    /// <summary>Takes a slot for <paramref name="function"/>, or says why it cannot (the throttling reason).</summary>
    /// <param name="reserved">The function's reserved concurrency, if any.</param>
    /// <param name="totalReserved">The reserved concurrency of all functions together.</param>
    public ConcurrencySlot? TryAcquire(string function, int? reserved, int totalReserved, out string? reason)
    {
        lock (_gate)
        {
            var running = _running.GetValueOrDefault(function);
            if (reserved is { } limit ? running >= limit : _unreservedRunning >= accountLimit - totalReserved)
            {
                reason = reserved is null ? AccountLimitExceeded : ReservedLimitExceeded;
                return null;
            }
            _running[function] = running + 1;
            if (reserved is null) _unreservedRunning++;
            _total++;
            reason = null;
            return new ConcurrencySlot(this, function, reserved is null);
        }
    }

    /// <summary>Waits for a slot (event source mappings and asynchronous invocations queue rather than fail). The
    /// function's limits are read again at each try.</summary>
    public async Task<ConcurrencySlot> AcquireAsync(string function, Func<(int? Reserved, int TotalReserved)> limits, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task released;
            lock (_gate) released = _released.Task;
            var (reserved, totalReserved) = limits();
            if (TryAcquire(function, reserved, totalReserved, out _) is { } slot) return slot;
            // Limits can also change without a release (PutFunctionConcurrency): look again now and then.
            await released.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Waits until the function could take a slot (without taking it): event source mappings receive a batch
    /// only when it can run soon, so that its messages' visibility timeout is not spent waiting.</summary>
    public async Task WaitForCapacityAsync(string function, Func<(int? Reserved, int TotalReserved)> limits, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task released;
            var (reserved, totalReserved) = limits();
            lock (_gate)
            {
                var free = reserved is { } limit ? _running.GetValueOrDefault(function) < limit : _unreservedRunning < accountLimit - totalReserved;
                if (free) return;
                released = _released.Task;
            }
            await released.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Invocations running now: of one function, and in all.</summary>
    public (int Function, int Total) Running(string function)
    {
        lock (_gate) return (_running.GetValueOrDefault(function), _total);
    }

    internal void Release(string function, bool unreserved)
    {
        TaskCompletionSource released;
        lock (_gate)
        {
            _running[function]--;
            if (unreserved) _unreservedRunning--;
            _total--;
            released = _released;
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        released.TrySetResult();
    }
}

/// <summary>A running invocation's share of the concurrency; disposing it gives it back.</summary>
internal sealed class ConcurrencySlot(ConcurrencyGate gate, string function, bool unreserved) : IDisposable
{
    private int _released;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release(function, unreserved);
    }
}
