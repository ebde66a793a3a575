using FaceRecognition.Emulator.Hosting;
using Microsoft.Extensions.Options;

namespace FaceRecognition.Emulator.Storage;

/// <summary>Opens the data directory: loads the metadata into memory, removes what a crash left half-done, and
/// owns the commit log until shutdown (which drains it).</summary>
internal sealed class EmulatorStorage : IAsyncDisposable
{
    private static readonly TimeSpan s_checkpointPeriod = TimeSpan.FromSeconds(1);

    private readonly MetadataStore _store;
    private readonly BlobStore _blobs;
    private readonly CommitLog _log;
    private readonly ILogger _logger;
    private readonly Timer _checkpointer;
    private readonly Lock _checkpointGate = new();
    private long _checkpointedAt;

    public EmulatorStorage(IOptions<EmulatorOptions> options, TimeProvider clock, ILogger<EmulatorStorage> logger)
    {
        _logger = logger;
        var settings = options.Value;
        var directory = Path.GetFullPath(settings.DataDirectory);
        _store = new MetadataStore(directory, settings.SyncWrites);
        _blobs = new BlobStore(directory, settings.SyncWrites, settings.SmallBodyLimit, _store);
        _log = new CommitLog(_store, logger);
        State = new EmulatorState(_log, _blobs);
        State.Load(_store.Load(), clock.GetUtcNow().ToUnixTimeMilliseconds());
        var orphans = _blobs.RemoveOrphans(State.ReferencedBlobs());
        logger.LogInformation(
            "Data directory {Directory}: {Buckets} buckets, {Queues} queues loaded{Orphans}",
            directory, State.Buckets.Count, State.Queues.Count, orphans > 0 ? $"; {orphans} unreferenced bodies removed" : "");
        _checkpointer = new Timer(_ => Checkpoint(truncate: false), null, s_checkpointPeriod, s_checkpointPeriod);
    }

    private void Checkpoint(bool truncate)
    {
        lock (_checkpointGate)
        {
            var committed = _log.CommittedTransactions;
            if (committed == _checkpointedAt && !truncate) return;
            try
            {
                _store.Checkpoint(truncate);
                _checkpointedAt = committed;
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                _logger.LogWarning(e, "A WAL checkpoint failed; the next one will try again");
            }
        }
    }

    public EmulatorState State { get; }

    public ValueTask DisposeAsync()
    {
        _checkpointer.Dispose();
        _log.Dispose();
        Checkpoint(truncate: true);
        _store.Dispose();
        _blobs.Dispose();
        return ValueTask.CompletedTask;
    }
}
