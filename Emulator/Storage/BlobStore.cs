using System.Security.Cryptography;

namespace FaceRecognition.Emulator.Storage;

/// <summary>
/// Object and part bodies as files. A body is written to <c>tmp/</c> and renamed into <c>blobs/</c> only when it
/// is complete and verified, so no reader ever sees half of one. File names are random ids, never object keys:
/// a key is data and cannot reach the file system.
/// </summary>
internal sealed class BlobStore
{
    private readonly string _blobRoot;
    private readonly string _tempRoot;
    private readonly bool _syncWrites;

    public BlobStore(string dataDirectory, bool syncWrites)
    {
        _blobRoot = Path.Combine(dataDirectory, "blobs");
        _tempRoot = Path.Combine(dataDirectory, "tmp");
        _syncWrites = syncWrites;
        Directory.CreateDirectory(_blobRoot);
        // Whatever is in tmp/ was never acknowledged: a crash interrupted its upload.
        if (Directory.Exists(_tempRoot)) Directory.Delete(_tempRoot, recursive: true);
        Directory.CreateDirectory(_tempRoot);
    }

    public BlobWriter CreateWriter()
    {
        var id = NewId();
        var path = Path.Combine(_tempRoot, id);
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 256 * 1024,
        });
        return new BlobWriter(this, id, path, stream);
    }

    /// <summary>Moves a finished body into place and returns its blob id.</summary>
    internal string Publish(BlobWriter writer)
    {
        writer.Stream.Flush(flushToDisk: _syncWrites);
        writer.Stream.Dispose();
        var target = PathOf(writer.Id);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(writer.TempPath, target);
        return writer.Id;
    }

    public FileStream OpenRead(string id) => new(PathOf(id), new FileStreamOptions
    {
        Mode = FileMode.Open,
        Access = FileAccess.Read,
        // Delete is shared so an overwrite or delete can unlink the file while a GET still streams it.
        Share = FileShare.Read | FileShare.Delete,
        BufferSize = 0,
        Options = FileOptions.SequentialScan,
    });

    public long Length(string id) => new FileInfo(PathOf(id)).Length;

    public void Delete(string id)
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

    /// <summary>Deletes every blob the metadata does not reference: bodies of uploads that crashed between the
    /// rename and the metadata commit, or old bodies whose delete was interrupted.</summary>
    public int RemoveOrphans(IReadOnlySet<string> referenced)
    {
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(_blobRoot, "*", SearchOption.AllDirectories))
        {
            if (!referenced.Contains(Path.GetFileName(file)))
            {
                File.Delete(file);
                removed++;
            }
        }
        return removed;
    }

    private string PathOf(string id)
    {
        if (id.Length != 32 || !id.All(char.IsAsciiHexDigitLower)) throw new ArgumentException($"'{id}' is not a blob id.", nameof(id));
        return Path.Combine(_blobRoot, id[..2], id);
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}

/// <summary>A body being written. Dispose without <see cref="BlobStore.Publish"/> discards it.</summary>
internal sealed class BlobWriter(BlobStore store, string id, string tempPath, FileStream stream) : IDisposable
{
    private bool _published;

    public string Id { get; } = id;
    public string TempPath { get; } = tempPath;
    public FileStream Stream { get; } = stream;

    public void Write(ReadOnlySpan<byte> data) => Stream.Write(data);

    public string Publish()
    {
        var published = store.Publish(this);
        _published = true;
        return published;
    }

    public void Dispose()
    {
        if (_published) return;
        Stream.Dispose();
        try
        {
            File.Delete(TempPath);
        }
        catch (IOException)
        {
            // tmp/ is emptied at the next start.
        }
    }
}
