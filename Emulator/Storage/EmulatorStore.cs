using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace FaceRecognition.Emulator.Storage;

/// <summary>
/// The one way into the emulator's state. Each service keeps its part in memory (<c>S3Store</c>, <c>SqsStore</c>,
/// <c>LambdaStore</c>, <c>Ec2Store</c>), and all of it is guarded by this one lock: <see cref="Read{T}"/> runs a read
/// under it; <see cref="WriteAsync{T}"/> runs a change under it, and the writes the change recorded in its
/// <see cref="StoreChanges"/> go onto the commit log in the same critical section, so the disk sees changes in the order
/// memory saw them. The change is answered only once its writes are committed. Critical sections are a few dictionary
/// operations; body I/O and hashing happen outside.
/// </summary>
internal sealed class EmulatorStore(CommitLog log, BlobStore blobs)
{
    private readonly Lock _lock = new();

    public BlobStore Blobs { get; } = blobs;

    public T Read<T>(Func<T> read)
    {
        lock (_lock) return read();
    }

    /// <summary>Makes a change and waits until its writes are committed (at once if it wrote nothing). A change that
    /// throws after changing memory still has its writes committed, so memory and disk never disagree.</summary>
    public async Task<T> WriteAsync<T>(Func<StoreChanges, T> change)
    {
        var changes = new StoreChanges(Blobs);
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        CommitLog.Commit? commit = null;
        lock (_lock)
        {
            try
            {
                result = change(changes);
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
            if (changes.HasWrites) commit = log.Append(changes.ApplyTo);
        }
        if (commit is not null) await commit;
        changes.Committed();
        failure?.Throw();
        return result;
    }

    public Task WriteAsync(Action<StoreChanges> change) => WriteAsync(changes =>
    {
        change(changes);
        return true;
    });

    /// <summary>For the service stores' members that must run inside <see cref="Read{T}"/> or <see cref="WriteAsync{T}"/>.</summary>
    [Conditional("DEBUG")]
    public void AssertLocked() => Debug.Assert(_lock.IsHeldByCurrentThread, "Call this inside EmulatorStore.Read or WriteAsync.");
}
