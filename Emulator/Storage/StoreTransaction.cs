using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace FaceRecognition.Emulator.Storage;

/// <summary>The writes the emulator makes, as prepared statements. Used only by the <see cref="CommitLog"/>'s thread,
/// inside its current transaction.</summary>
internal sealed class StoreTransaction : IDisposable
{
    private readonly SqliteCommand _putBucket;
    private readonly SqliteCommand _deleteBucket;
    private readonly SqliteCommand _putObject;
    private readonly SqliteCommand _deleteObject;
    private readonly SqliteCommand _putUpload;
    private readonly SqliteCommand _deleteUpload;
    private readonly SqliteCommand _deleteParts;
    private readonly SqliteCommand _putPart;
    private readonly SqliteCommand _putQueue;
    private readonly SqliteCommand _deleteQueue;
    private readonly SqliteCommand _deleteQueueMessages;
    private readonly SqliteCommand _insertMessage;
    private readonly SqliteCommand _updateMessage;
    private readonly SqliteCommand _deleteMessage;
    private readonly SqliteCommand _moveMessage;
    private readonly SqliteCommand _putInlineBlob;
    private readonly SqliteCommand _deleteInlineBlob;
    private readonly List<SqliteCommand> _all = [];

    public StoreTransaction(SqliteConnection connection)
    {
        SqliteCommand Prepare(string sql, params string[] parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters) command.Parameters.Add(new SqliteParameter(name, null));
            _all.Add(command);
            return command;
        }

        _putBucket = Prepare("INSERT OR REPLACE INTO buckets (name, data) VALUES ($name, $data)", "$name", "$data");
        _deleteBucket = Prepare("DELETE FROM buckets WHERE name = $name", "$name");
        _putObject = Prepare("INSERT OR REPLACE INTO objects (bucket, key, data) VALUES ($bucket, $key, $data)", "$bucket", "$key", "$data");
        _deleteObject = Prepare("DELETE FROM objects WHERE bucket = $bucket AND key = $key", "$bucket", "$key");
        _putUpload = Prepare("INSERT OR REPLACE INTO uploads (id, data) VALUES ($id, $data)", "$id", "$data");
        _deleteUpload = Prepare("DELETE FROM uploads WHERE id = $id", "$id");
        _deleteParts = Prepare("DELETE FROM parts WHERE upload_id = $id", "$id");
        _putPart = Prepare("INSERT OR REPLACE INTO parts (upload_id, part_number, data) VALUES ($id, $number, $data)", "$id", "$number", "$data");
        _putQueue = Prepare("INSERT OR REPLACE INTO queues (name, data) VALUES ($name, $data)", "$name", "$data");
        _deleteQueue = Prepare("DELETE FROM queues WHERE name = $name", "$name");
        _deleteQueueMessages = Prepare("DELETE FROM messages WHERE queue = $queue", "$queue");
        _insertMessage = Prepare(
            "INSERT INTO messages (seq, queue, content, visible_at, receive_count, first_receive, receipt) VALUES ($seq, $queue, $content, $visible, $count, $first, $receipt)",
            "$seq", "$queue", "$content", "$visible", "$count", "$first", "$receipt");
        _updateMessage = Prepare(
            "UPDATE messages SET visible_at = $visible, receive_count = $count, first_receive = $first, receipt = $receipt WHERE seq = $seq",
            "$seq", "$visible", "$count", "$first", "$receipt");
        _deleteMessage = Prepare("DELETE FROM messages WHERE seq = $seq", "$seq");
        _putInlineBlob = Prepare("INSERT INTO inline_blobs (id, data) VALUES ($id, $data)", "$id", "$data");
        _deleteInlineBlob = Prepare("DELETE FROM inline_blobs WHERE id = $id", "$id");
        _moveMessage = Prepare(
            "UPDATE messages SET queue = $queue, visible_at = $visible, receive_count = $count, first_receive = $first, receipt = $receipt WHERE seq = $seq",
            "$seq", "$queue", "$visible", "$count", "$first", "$receipt");
    }

    internal void Begin(SqliteTransaction transaction)
    {
        foreach (var command in _all) command.Transaction = transaction;
    }

    public void PutBucket(BucketRecord bucket) =>
        Run(_putBucket, bucket.Name, JsonSerializer.Serialize(bucket, StorageJson.Default.BucketRecord));

    public void DeleteBucket(string name) => Run(_deleteBucket, name);

    public void PutObject(ObjectRecord record) =>
        Run(_putObject, record.Bucket, record.Key, JsonSerializer.Serialize(record, StorageJson.Default.ObjectRecord));

    public void DeleteObject(string bucket, string key) => Run(_deleteObject, bucket, key);

    public void PutUpload(UploadRecord upload) =>
        Run(_putUpload, upload.UploadId, JsonSerializer.Serialize(upload, StorageJson.Default.UploadRecord));

    public void DeleteUpload(string uploadId)
    {
        Run(_deleteParts, uploadId);
        Run(_deleteUpload, uploadId);
    }

    public void PutPart(PartRecord part) =>
        Run(_putPart, part.UploadId, part.PartNumber, JsonSerializer.Serialize(part, StorageJson.Default.PartRecord));

    public void PutQueue(QueueRecord queue) =>
        Run(_putQueue, queue.Name, JsonSerializer.Serialize(queue, StorageJson.Default.QueueRecord));

    public void DeleteQueue(string name)
    {
        Run(_deleteQueueMessages, name);
        Run(_deleteQueue, name);
    }

    public void DeleteQueueMessages(string name) => Run(_deleteQueueMessages, name);

    /// <param name="content">The <see cref="MessageContent"/> already serialized (by the request's thread, not this one).</param>
    public void InsertMessage(long sequence, string queue, byte[] content, MessageState state) =>
        Run(_insertMessage, sequence, queue, content, state.VisibleAt, state.ReceiveCount, state.FirstReceiveTimestamp, state.ReceiptNonce);

    public void UpdateMessage(long sequence, MessageState state) =>
        Run(_updateMessage, sequence, state.VisibleAt, state.ReceiveCount, state.FirstReceiveTimestamp, state.ReceiptNonce);

    public void DeleteMessage(long sequence) => Run(_deleteMessage, sequence);

    public void PutInlineBlob(long id, byte[] data) => Run(_putInlineBlob, id, data);

    public void DeleteInlineBlob(long id) => Run(_deleteInlineBlob, id);

    /// <summary>Moves a message to another queue (dead-letter redrive), keeping its row and its id.</summary>
    public void MoveMessage(long sequence, string queue, MessageState state) =>
        Run(_moveMessage, sequence, queue, state.VisibleAt, state.ReceiveCount, state.FirstReceiveTimestamp, state.ReceiptNonce);

    private static void Run(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var command in _all) command.Dispose();
    }
}
