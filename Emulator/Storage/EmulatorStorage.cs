using FaceRecognition.Emulator.Hosting;
using Microsoft.Extensions.Options;

namespace FaceRecognition.Emulator.Storage;

/// <summary>Opens the data directory: loads the metadata into memory, removes what a crash left half-done, and
/// owns the commit log until shutdown (which drains it).</summary>
internal sealed class EmulatorStorage : IAsyncDisposable
{
    private readonly MetadataStore _store;
    private readonly CommitLog _log;

    public EmulatorStorage(IOptions<EmulatorOptions> options, TimeProvider clock, ILogger<EmulatorStorage> logger)
    {
        var settings = options.Value;
        var directory = Path.GetFullPath(settings.DataDirectory);
        _store = new MetadataStore(directory, settings.SyncWrites);
        var blobs = new BlobStore(directory, settings.SyncWrites);
        _log = new CommitLog(_store, logger);
        State = new EmulatorState(_log, blobs);
        State.Load(_store.Load(), clock.GetUtcNow().ToUnixTimeMilliseconds());
        var orphans = blobs.RemoveOrphans(State.ReferencedBlobs());
        logger.LogInformation(
            "Data directory {Directory}: {Buckets} buckets, {Queues} queues loaded{Orphans}",
            directory, State.Buckets.Count, State.Queues.Count, orphans > 0 ? $"; {orphans} unreferenced bodies removed" : "");
    }

    public EmulatorState State { get; }

    public async ValueTask DisposeAsync()
    {
        await _log.DisposeAsync();
        _store.Dispose();
    }
}
