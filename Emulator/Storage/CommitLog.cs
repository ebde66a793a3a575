using System.Runtime.CompilerServices;

namespace FaceRecognition.Emulator.Storage;

/// <summary>
/// Group commit without a writer thread. Requests queue their writes here while they change the in-memory state;
/// the first request that awaits its write while no commit is running becomes the leader and commits everything queued
/// in one SQLite transaction, on its own thread; requests that arrive meanwhile wait for the leader and ride in its next
/// transaction. A lone request pays one commit and no thread hop; a crowd shares a commit between them. A request is
/// answered only after its write committed, so whatever was acknowledged is on disk.
/// </summary>
internal sealed class CommitLog : IDisposable
{
    /// <summary>Rounds a request commits for others before it hands leadership to the thread pool and goes on.</summary>
    private const int MaxLeaderRounds = 3;

    private readonly MetadataStore _store;
    private readonly Microsoft.Extensions.Logging.ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Timer _safetyNet;
    private List<PendingWrite> _pending = [];
    private bool _leaderActive;
    private bool _disposed;

    public CommitLog(MetadataStore store, Microsoft.Extensions.Logging.ILogger logger)
    {
        _store = store;
        _logger = logger;
        // A write whose request never awaited it (a failure between the change and the await) is still committed.
        _safetyNet = new Timer(_ => Lead(), null, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200));
    }

    /// <summary>Counts commits, for the background checkpointer.</summary>
    public long CommittedTransactions { get; private set; }

    /// <summary>Queues a write. Call it while holding the state lock, so that writes reach the disk in the order their
    /// changes were made in memory; await the result (outside the lock) to have it committed.</summary>
    public Commit Append(Action<StoreTransaction> write)
    {
        var pending = new PendingWrite(write);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _pending.Add(pending);
        }
        return new Commit(this, pending);
    }

    private Task WhenCommitted(PendingWrite write)
    {
        if (!write.Completion.Task.IsCompleted) Lead();
        return write.Completion.Task;
    }

    private void Lead()
    {
        lock (_gate)
        {
            if (_leaderActive || _pending.Count == 0) return;
            _leaderActive = true;
        }
        for (var round = 0; ; round++)
        {
            List<PendingWrite> batch;
            lock (_gate)
            {
                if (_pending.Count == 0 || round == MaxLeaderRounds)
                {
                    _leaderActive = false;
                    if (_pending.Count > 0) ThreadPool.UnsafeQueueUserWorkItem(static log => log.Lead(), this, preferLocal: false);
                    return;
                }
                batch = _pending;
                _pending = new List<PendingWrite>(Math.Max(4, batch.Count));
            }
            CommitBatch(batch);
        }
    }

    private void CommitBatch(List<PendingWrite> batch)
    {
        try
        {
            Write(batch);
            foreach (var pending in batch) pending.Completion.TrySetResult();
        }
        catch (Exception batchFailure)
        {
            _logger.LogWarning(batchFailure, "A group commit of {Count} writes failed; committing them one by one", batch.Count);
            // One bad write must not fail its neighbours: retry each alone.
            foreach (var pending in batch)
            {
                try
                {
                    Write([pending]);
                    pending.Completion.TrySetResult();
                }
                catch (Exception failure)
                {
                    _logger.LogError(failure, "A write could not be committed");
                    pending.Completion.TrySetException(failure);
                }
            }
        }
    }

    private void Write(List<PendingWrite> batch)
    {
        var transaction = _store.Transaction;
        transaction.Begin();
        try
        {
            foreach (var pending in batch) pending.Write(transaction);
            transaction.Commit();
        }
        catch
        {
            transaction.Rollback();
            throw;
        }
        CommittedTransactions++;
    }

    /// <summary>Commits what is queued and refuses further writes.</summary>
    public void Dispose()
    {
        _safetyNet.Dispose();
        lock (_gate) _disposed = true;
        while (true)
        {
            Lead();
            lock (_gate)
            {
                if (_pending.Count == 0 && !_leaderActive) return;
            }
            Thread.Sleep(1);
        }
    }

    internal sealed class PendingWrite(Action<StoreTransaction> write)
    {
        public Action<StoreTransaction> Write { get; } = write;
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>A queued write; <c>await</c> it to have it committed (the awaiting request may commit it itself).</summary>
    internal sealed class Commit(CommitLog log, PendingWrite write)
    {
        public Task AsTask() => log.WhenCommitted(write);

        public TaskAwaiter GetAwaiter() => AsTask().GetAwaiter();
    }
}
