using System.Threading.Channels;

namespace FaceRecognition.Emulator.Storage;

/// <summary>
/// Group commit: writes queue up here while requests mutate the in-memory state, and one thread commits everything
/// waiting in a single SQLite transaction. A request is answered only after its write's transaction committed,
/// so whatever was acknowledged is on disk, while thousands of requests a second cost a few hundred commits.
/// </summary>
internal sealed class CommitLog : IAsyncDisposable
{
    private const int MaxBatch = 2048;

    private readonly MetadataStore _store;
    private readonly ILogger _logger;
    private readonly Channel<PendingWrite> _channel = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public CommitLog(MetadataStore store, ILogger logger)
    {
        _store = store;
        _logger = logger;
        _writer = Task.Factory.StartNew(WriteLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Queues a write; the task completes once it is committed. Call it while holding the state lock, so that
    /// writes reach the disk in the order their changes were made in memory.</summary>
    public Task Append(Action<StoreTransaction> write)
    {
        var pending = new PendingWrite(write);
        if (!_channel.Writer.TryWrite(pending))
        {
            pending.Completion.TrySetException(new ObjectDisposedException(nameof(CommitLog), "The emulator is shutting down."));
        }
        return pending.Completion.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var pending)) batch.Add(pending);
            try
            {
                Commit(batch);
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
                        Commit([pending]);
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
    }

    private void Commit(List<PendingWrite> batch)
    {
        using var transaction = _store.Connection.BeginTransaction();
        _store.Transaction.Begin(transaction);
        foreach (var pending in batch) pending.Write(_store.Transaction);
        transaction.Commit();
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private sealed class PendingWrite(Action<StoreTransaction> write)
    {
        public Action<StoreTransaction> Write { get; } = write;
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
