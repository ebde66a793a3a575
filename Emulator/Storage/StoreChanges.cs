namespace FaceRecognition.Emulator.Storage;

/// <summary>
/// What one change (<see cref="EmulatorStore.WriteAsync{T}"/>) writes: the service stores record a write for every
/// change they make in memory, and the bodies it stops referring to. The writes run inside the commit, together with
/// any body rows retired; freed segment space and files are given back after it.
/// </summary>
internal sealed class StoreChanges(BlobStore blobs)
{
    private List<Action<StoreTransaction>>? _writes;
    private List<Action>? _afterCommit;

    public bool HasWrites => _writes is { Count: > 0 };

    public void Write(Action<StoreTransaction> write) => (_writes ??= []).Add(write);

    /// <summary>A body the change no longer refers to.</summary>
    public void RetireBody(string blobId)
    {
        var retirement = blobs.Retire(blobId);
        if (retirement.Write is { } write) Write(write);
        if (retirement.AfterCommit is { } afterCommit) (_afterCommit ??= []).Add(afterCommit);
    }

    internal void ApplyTo(StoreTransaction transaction)
    {
        foreach (var write in _writes!) write(transaction);
    }

    internal void Committed()
    {
        if (_afterCommit is null) return;
        foreach (var action in _afterCommit) action();
    }
}
