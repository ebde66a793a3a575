using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Lambda;
using FaceRecognition.Emulator.S3;
using FaceRecognition.Emulator.Sqs;
using Microsoft.Extensions.Options;

namespace FaceRecognition.Emulator.Storage;

/// <summary>Opens the data directory: loads the metadata into each service's store, removes what a crash left
/// half-done, and owns the commit log until shutdown (which drains it).</summary>
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
        Store = new EmulatorStore(_log, _blobs);
        var snapshot = _store.Load();
        S3 = new S3Store(Store, snapshot, clock.GetUtcNow().ToUnixTimeMilliseconds());
        Sqs = new SqsStore(Store, snapshot);
        Lambda = new LambdaStore(Store, snapshot);
        var orphans = _blobs.RemoveOrphans(S3.ReferencedBlobs().Concat(Lambda.ReferencedBlobs()).ToHashSet(StringComparer.Ordinal));
        logger.LogInformation(
            "Data directory {Directory}: {Buckets} buckets, {Queues} queues, {Functions} functions loaded{Orphans}",
            directory, S3.BucketCount, Sqs.QueueCount, Lambda.FunctionCount, orphans > 0 ? $"; {orphans} unreferenced bodies removed" : "");
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

    public EmulatorStore Store { get; }

    public S3Store S3 { get; }

    public SqsStore Sqs { get; }

    public LambdaStore Lambda { get; }

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
