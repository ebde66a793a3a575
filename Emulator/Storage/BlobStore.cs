using System.Globalization;
using System.Security.Cryptography;

namespace FaceRecognition.Emulator.Storage;

/// <summary>
/// Object and part bodies. Small ones (up to <see cref="SmallBodyLimit"/> bytes) are appended to segment files
/// (<see cref="BodySegments"/>); larger ones are files of their own. Either is written completely before the record that
/// refers to it is committed, and only a committed record makes it visible, so no reader ever sees half of one; one
/// that a crash left unreferenced is removed at the next start. Ids are generated here, never derived from object keys:
/// a key is data and cannot reach the file system. Data directories from before segments keep their small bodies as
/// rows of the metadata database (ids <c>m…</c>): still read and retired here, no longer written.
/// </summary>
internal sealed class BlobStore : IDisposable
{
    private const char InlinePrefix = 'm';

    private readonly string _root;
    private readonly bool _syncWrites;
    private readonly MetadataStore _metadata;
    private readonly BodySegments _segments;

    public BlobStore(string dataDirectory, bool syncWrites, int smallBodyLimit, MetadataStore metadata)
    {
        _root = Path.Combine(dataDirectory, "blobs");
        _syncWrites = syncWrites;
        _metadata = metadata;
        SmallBodyLimit = smallBodyLimit;
        for (var i = 0; i < 256; i++) Directory.CreateDirectory(Path.Combine(_root, i.ToString("x2", CultureInfo.InvariantCulture)));
        _segments = new BodySegments(dataDirectory, syncWrites);
        // An older layout staged uploads in tmp/; nothing there was ever acknowledged.
        var staging = Path.Combine(dataDirectory, "tmp");
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
    }

    public int SmallBodyLimit { get; }

    /// <summary>A writer for a body of <paramref name="size"/> bytes (its declared length).</summary>
    public BlobWriter CreateWriter(long size) =>
        size <= SmallBodyLimit ? new SmallBodyWriter(_segments, (int)size) : new FileBlobWriter(this, NewFileId());

    /// <summary>Opens a body for reading. Throws <see cref="FileNotFoundException"/> when it is gone (replaced or deleted
    /// since the record was read): the caller looks the record up again.</summary>
    public Stream OpenRead(string id)
    {
        if (BodySegments.Owns(id)) return InMemory(id, _segments.Read(id));
        if (IsInline(id, out var inlineId)) return InMemory(id, _metadata.ReadInlineBlob(inlineId));
        return new FileStream(PathOf(id), new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            // Delete is shared so an overwrite or delete can unlink the file while a GET still streams it.
            Share = FileShare.Read | FileShare.Delete,
            BufferSize = 0,
            // Asynchronous because sendfile (SendFileWriter) takes only such streams; reads are positional either way.
            Options = FileOptions.SequentialScan | FileOptions.Asynchronous,
        });
    }

    /// <summary>Retires a body that a committed change no longer refers to: a body an earlier version kept as a database
    /// row leaves in that change's own transaction (<see cref="BlobRetirement.Write"/>); segment space and files only
    /// after it committed (<see cref="BlobRetirement.AfterCommit"/>).</summary>
    public BlobRetirement Retire(string id)
    {
        if (BodySegments.Owns(id)) return new BlobRetirement(null, () => _segments.Release(id));
        return IsInline(id, out var inlineId) ? new BlobRetirement(tx => tx.DeleteInlineBlob(inlineId), null) : new BlobRetirement(null, () => DeleteFile(id));
    }

    /// <summary>Throws away a published body whose record was never committed (the change failed under the lock).</summary>
    public void Discard(string id)
    {
        if (BodySegments.Owns(id)) _segments.Release(id);
        else if (!IsInline(id, out _)) DeleteFile(id);
    }

    /// <summary>Deletes bodies no record refers to: files of uploads a crash interrupted, or whose deletion it cut short.</summary>
    public int RemoveOrphans(IReadOnlySet<string> referenced)
    {
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
        {
            if (!referenced.Contains(Path.GetFileName(file)))
            {
                File.Delete(file);
                removed++;
            }
        }
        var orphanRows = _metadata.InlineBlobIds().Where(id => !referenced.Contains(InlinePrefix + id.ToString(CultureInfo.InvariantCulture))).ToList();
        _metadata.DeleteInlineBlobs(orphanRows);
        return removed + orphanRows.Count + _segments.RemoveOrphans(referenced);
    }

    public void Dispose() => _segments.Dispose();

    internal FileStream CreateFile(string id) => new(PathOf(id), new FileStreamOptions
    {
        Mode = FileMode.CreateNew,
        Access = FileAccess.Write,
        Share = FileShare.None,
        BufferSize = 256 * 1024,
    });

    internal void Flush(FileStream stream) => stream.Flush(flushToDisk: _syncWrites);

    private void DeleteFile(string id)
    {
        try
        {
            File.Delete(PathOf(id));
        }
        catch (IOException)
        {
            // Left as an orphan; RemoveOrphans takes it at the next start.
        }
    }

    private static bool IsInline(string id, out long inlineId)
    {
        inlineId = 0;
        return id.Length > 1 && id[0] == InlinePrefix && long.TryParse(id.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out inlineId);
    }

    private static MemoryStream InMemory(string id, byte[]? bytes) =>
        bytes is null ? throw new FileNotFoundException($"Body {id} is gone.") : new MemoryStream(bytes, 0, bytes.Length, writable: false, publiclyVisible: true);

    private string PathOf(string id)
    {
        if (id.Length != 32 || !id.All(char.IsAsciiHexDigitLower)) throw new ArgumentException($"'{id}' is not a blob id.", nameof(id));
        return Path.Combine(_root, id[..2], id);
    }

    private static string NewFileId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}

/// <summary>What retiring a body takes: a write for the committing transaction, or work once it committed.</summary>
internal sealed record BlobRetirement(Action<StoreTransaction>? Write, Action? AfterCommit);

/// <summary>A body being written. Dispose without <see cref="Publish"/> discards it.</summary>
internal abstract class BlobWriter : IDisposable
{
    public abstract void Write(ReadOnlySpan<byte> data);

    /// <summary>Makes the body durable (as the store's sync setting says) and returns its id, for the record that the
    /// caller then commits; <see cref="BlobStore.Discard"/> it if that record never is.</summary>
    public abstract string Publish();

    public abstract void Dispose();
}

internal sealed class SmallBodyWriter(BodySegments segments, int capacity) : BlobWriter
{
    private readonly MemoryStream _buffer = new(capacity);

    public override void Write(ReadOnlySpan<byte> data) => _buffer.Write(data);

    public override string Publish() => segments.Append(_buffer.GetBuffer().AsSpan(0, (int)_buffer.Length));

    public override void Dispose() => _buffer.Dispose();
}

internal sealed class FileBlobWriter(BlobStore store, string id) : BlobWriter
{
    private readonly FileStream _stream = store.CreateFile(id);
    private bool _published;

    public override void Write(ReadOnlySpan<byte> data) => _stream.Write(data);

    public override string Publish()
    {
        store.Flush(_stream);
        _stream.Dispose();
        _published = true;
        return id;
    }

    public override void Dispose()
    {
        if (_published) return;
        _stream.Dispose();
        store.Discard(id);
    }
}
