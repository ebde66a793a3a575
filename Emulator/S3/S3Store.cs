using System.Globalization;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.S3;

/// <summary>
/// S3's part of the emulator's state: buckets with their objects, and multipart uploads with their parts. Every member
/// runs inside <see cref="EmulatorStore.Read{T}"/> or <see cref="EmulatorStore.WriteAsync{T}"/>; each change records its
/// write (and the bodies it stops referring to) in the <see cref="StoreChanges"/> it is given.
/// </summary>
internal sealed class S3Store
{
    private readonly EmulatorStore _store;
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MultipartUpload> _uploads = new(StringComparer.Ordinal);
    private long _nextEventSequence;

    public S3Store(EmulatorStore store, MetadataStore.Snapshot snapshot, long now)
    {
        _store = store;
        foreach (var record in snapshot.Buckets) _buckets[record.Name] = new Bucket(record);
        foreach (var record in snapshot.Objects)
        {
            if (_buckets.TryGetValue(record.Bucket, out var bucket)) bucket.Put(record);
        }
        foreach (var record in snapshot.Uploads) _uploads[record.UploadId] = new MultipartUpload(record);
        foreach (var part in snapshot.Parts)
        {
            if (_uploads.TryGetValue(part.UploadId, out var upload)) upload.Parts[part.PartNumber] = part;
        }
        _nextEventSequence = now;
    }

    public int BucketCount => _buckets.Count;

    public Bucket GetBucket(string name)
    {
        _store.AssertLocked();
        return _buckets.GetValueOrDefault(name) ?? throw S3Errors.NoSuchBucket(name);
    }

    public List<BucketRecord> BucketRecords()
    {
        _store.AssertLocked();
        return [.. _buckets.Values.Select(b => b.Record).OrderBy(b => b.Name, StringComparer.Ordinal)];
    }

    public void CreateBucket(StoreChanges changes, BucketRecord record)
    {
        _store.AssertLocked();
        if (_buckets.ContainsKey(record.Name)) throw S3Errors.BucketAlreadyOwnedByYou(record.Name);
        _buckets[record.Name] = new Bucket(record);
        changes.Write(tx => tx.PutBucket(record));
    }

    public void UpdateBucket(StoreChanges changes, Bucket bucket, BucketRecord record)
    {
        _store.AssertLocked();
        bucket.Record = record;
        changes.Write(tx => tx.PutBucket(record));
    }

    /// <summary>Deletes an empty bucket and any uploads still open in it.</summary>
    public void DeleteBucket(StoreChanges changes, Bucket bucket)
    {
        _store.AssertLocked();
        if (bucket.Objects.Count > 0) throw S3Errors.BucketNotEmpty(bucket.Name);
        foreach (var upload in _uploads.Values.Where(u => u.Record.Bucket == bucket.Name).ToList()) RemoveUpload(changes, upload);
        _buckets.Remove(bucket.Name);
        var name = bucket.Name;
        changes.Write(tx => tx.DeleteBucket(name));
    }

    /// <summary>Puts an object (its body already written), retiring the body of the one it replaces.</summary>
    public void PutObject(StoreChanges changes, Bucket bucket, ObjectRecord record)
    {
        _store.AssertLocked();
        if (bucket.Objects.GetValueOrDefault(record.Key) is { } replaced) changes.RetireBody(replaced.BlobId);
        bucket.Put(record);
        changes.Write(tx => tx.PutObject(record));
    }

    /// <summary>Removes an object if it exists; returns whether it did.</summary>
    public bool RemoveObject(StoreChanges changes, Bucket bucket, string key)
    {
        _store.AssertLocked();
        if (!bucket.Remove(key, out var removed)) return false;
        changes.RetireBody(removed!.BlobId);
        var name = bucket.Name;
        changes.Write(tx => tx.DeleteObject(name, key));
        return true;
    }

    /// <summary>The upload with this id, if it belongs to this bucket and key; else NoSuchUpload.</summary>
    public MultipartUpload GetUpload(string bucket, string key, string uploadId)
    {
        _store.AssertLocked();
        var upload = _uploads.GetValueOrDefault(uploadId);
        if (upload is null || upload.Record.Bucket != bucket || upload.Record.Key != key) throw S3Errors.NoSuchUpload(uploadId);
        return upload;
    }

    public List<UploadRecord> UploadRecords(string bucket, string prefix)
    {
        _store.AssertLocked();
        return [.. _uploads.Values.Select(u => u.Record)
            .Where(u => u.Bucket == bucket && u.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(u => u.Key, Utf8Order.Instance).ThenBy(u => u.Initiated)];
    }

    public void CreateUpload(StoreChanges changes, UploadRecord record)
    {
        _store.AssertLocked();
        GetBucket(record.Bucket);
        _uploads[record.UploadId] = new MultipartUpload(record);
        changes.Write(tx => tx.PutUpload(record));
    }

    /// <summary>Adds a part (its body already written), retiring the body of a part it replaces.</summary>
    public void PutPart(StoreChanges changes, MultipartUpload upload, PartRecord part)
    {
        _store.AssertLocked();
        if (upload.Parts.GetValueOrDefault(part.PartNumber) is { } replaced) changes.RetireBody(replaced.BlobId);
        upload.Parts[part.PartNumber] = part;
        changes.Write(tx => tx.PutPart(part));
    }

    /// <summary>Ends an upload (completed or aborted), retiring its parts' bodies.</summary>
    public void RemoveUpload(StoreChanges changes, MultipartUpload upload)
    {
        _store.AssertLocked();
        _uploads.Remove(upload.Record.UploadId);
        foreach (var part in upload.Parts.Values) changes.RetireBody(part.BlobId);
        var id = upload.Record.UploadId;
        changes.Write(tx => tx.DeleteUpload(id));
    }

    /// <summary>S3's event sequencer: increasing hex, so consumers can order events for one key.</summary>
    public string NextEventSequencer()
    {
        _store.AssertLocked();
        return (++_nextEventSequence).ToString("X16", CultureInfo.InvariantCulture);
    }

    /// <summary>Bodies the records refer to (at start, before any request).</summary>
    public IEnumerable<string> ReferencedBlobs() =>
        _buckets.Values.SelectMany(b => b.Objects.Values.Select(o => o.BlobId))
            .Concat(_uploads.Values.SelectMany(u => u.Parts.Values.Select(p => p.BlobId)));
}

internal sealed class Bucket(BucketRecord record)
{
    public BucketRecord Record { get; set; } = record;

    public string Name => Record.Name;

    /// <summary>Keys in S3 listing order; <see cref="Objects"/> holds the records.</summary>
    public SortedSet<string> Keys { get; } = new(Utf8Order.Instance);

    public Dictionary<string, ObjectRecord> Objects { get; } = new(StringComparer.Ordinal);

    public void Put(ObjectRecord record)
    {
        if (Objects.TryAdd(record.Key, record)) Keys.Add(record.Key);
        else Objects[record.Key] = record;
    }

    public bool Remove(string key, out ObjectRecord? removed)
    {
        if (!Objects.Remove(key, out removed)) return false;
        Keys.Remove(key);
        return true;
    }
}

internal sealed class MultipartUpload(UploadRecord record)
{
    public UploadRecord Record { get; } = record;

    public SortedDictionary<int, PartRecord> Parts { get; } = [];
}
