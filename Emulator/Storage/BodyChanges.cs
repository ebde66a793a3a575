namespace FaceRecognition.Emulator.Storage;

/// <summary>
/// What one change does to bodies: new ones that must be persisted by the transaction that commits their record, and
/// old ones it stops referring to. Built under the state lock; <see cref="ApplyTo"/> runs inside the commit,
/// <see cref="Committed"/> after it.
/// </summary>
internal sealed class BodyChanges(BlobStore blobs)
{
    private readonly List<Action<StoreTransaction>> _writes = [];
    private readonly List<Action> _afterCommit = [];

    public void Add(BlobWriter published)
    {
        if (published.PersistWrite is { } write) _writes.Add(write);
        if (published.OnCommitted is { } committed) _afterCommit.Add(committed);
    }

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
