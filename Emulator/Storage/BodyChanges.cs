namespace FaceRecognition.Emulator.Storage;

/// <summary>
/// The bodies one change stops referring to. Built under the state lock; <see cref="ApplyTo"/> runs inside the commit
/// (bodies kept as database rows leave in it), <see cref="Committed"/> after it (segment space and files).
/// </summary>
internal sealed class BodyChanges(BlobStore blobs)
{
    private readonly List<Action<StoreTransaction>> _writes = [];
    private readonly List<Action> _afterCommit = [];

    public void Retire(string blobId)
    {
        var retirement = blobs.Retire(blobId);
        if (retirement.Write is { } write) _writes.Add(write);
        if (retirement.AfterCommit is { } afterCommit) _afterCommit.Add(afterCommit);
    }

    public void ApplyTo(StoreTransaction transaction)
    {
        foreach (var write in _writes) write(transaction);
    }

    public void Committed()
    {
        foreach (var action in _afterCommit) action();
    }
}
