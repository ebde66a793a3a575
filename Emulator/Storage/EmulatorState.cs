using FaceRecognition.Emulator.Sqs;

namespace FaceRecognition.Emulator.Storage;

/// <summary>
/// All buckets, objects, uploads and queues, in memory, guarded by one lock. Every change is made under the lock and
/// its write appended to the <see cref="CommitLog"/> before the lock is released, so the disk sees changes in the order
/// memory saw them. Critical sections are a few dictionary operations; body I/O and hashing happen outside.
/// </summary>
internal sealed class EmulatorState
{
    private long _nextMessageSequence;
    private long _nextEventSequence;

    public EmulatorState(CommitLog log, BlobStore blobs)
    {
        Log = log;
        Blobs = blobs;
    }

    public Lock Lock { get; } = new();

    public CommitLog Log { get; }

    public BlobStore Blobs { get; }

    public Dictionary<string, Bucket> Buckets { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, MultipartUpload> Uploads { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, SqsQueue> Queues { get; } = new(StringComparer.Ordinal);

    /// <summary>Message sequence numbers only grow, across restarts too (they are the database row ids).</summary>
    public long NextMessageSequence() => ++_nextMessageSequence;

    /// <summary>S3's event sequencer: increasing hex, so consumers can order events for one key.</summary>
    public string NextEventSequencer() => (++_nextEventSequence).ToString("X16", System.Globalization.CultureInfo.InvariantCulture);

    public void Load(MetadataStore.Snapshot snapshot, long now)
    {
        foreach (var record in snapshot.Buckets) Buckets[record.Name] = new Bucket(record);
        foreach (var record in snapshot.Objects)
        {
            if (Buckets.TryGetValue(record.Bucket, out var bucket)) bucket.Put(record);
        }
        foreach (var record in snapshot.Uploads) Uploads[record.UploadId] = new MultipartUpload(record);
        foreach (var part in snapshot.Parts)
        {
            if (Uploads.TryGetValue(part.UploadId, out var upload)) upload.Parts[part.PartNumber] = part;
        }
        foreach (var record in snapshot.Queues) Queues[record.Name] = new SqsQueue(record);
        foreach (var message in snapshot.Messages)
        {
            _nextMessageSequence = Math.Max(_nextMessageSequence, message.Sequence);
            if (Queues.TryGetValue(message.Queue, out var queue)) queue.Add(new SqsMessage(message.Sequence, message.Content, message.State));
        }
        _nextEventSequence = now;
    }

    /// <summary>Blob ids the metadata refers to; any other file in the blob store is an orphan.</summary>
    public HashSet<string> ReferencedBlobs()
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var bucket in Buckets.Values)
        {
            foreach (var record in bucket.Objects.Values) referenced.Add(record.BlobId);
        }
        foreach (var upload in Uploads.Values)
        {
            foreach (var part in upload.Parts.Values) referenced.Add(part.BlobId);
        }
        return referenced;
    }
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
