using System.Text.Json;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FaceRecognition.Emulator.Storage;

/// <summary>
/// The writes the emulator makes, as statements prepared once and stepped through SQLite's own API: the ADO.NET layer
/// costs more per execution than the write itself (measured in bench/Emulator). Used only by the <see cref="CommitLog"/>,
/// one transaction at a time.
/// </summary>
internal sealed class StoreTransaction : IDisposable
{
    private readonly sqlite3 _db;
    private readonly Statement _begin;
    private readonly Statement _commit;
    private readonly Statement _rollback;
    private readonly Statement _putBucket;
    private readonly Statement _deleteBucket;
    private readonly Statement _putObject;
    private readonly Statement _deleteObject;
    private readonly Statement _putUpload;
    private readonly Statement _deleteUpload;
    private readonly Statement _deleteParts;
    private readonly Statement _putPart;
    private readonly Statement _putQueue;
    private readonly Statement _deleteQueue;
    private readonly Statement _deleteQueueMessages;
    private readonly Statement _insertMessage;
    private readonly Statement _updateMessage;
    private readonly Statement _deleteMessage;
    private readonly Statement _moveMessage;
    private readonly Statement _deleteInlineBlob;
    private readonly Statement _putFunction;
    private readonly Statement _deleteFunction;
    private readonly Statement _putMapping;
    private readonly Statement _deleteMapping;
    private readonly Statement _putAsyncEvent;
    private readonly Statement _deleteAsyncEvent;
    private readonly List<Statement> _all = [];

    public StoreTransaction(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Statement Prepare(string sql)
        {
            var statement = new Statement(_db, sql);
            _all.Add(statement);
            return statement;
        }

        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
        _putBucket = Prepare("INSERT OR REPLACE INTO buckets (name, data) VALUES (?1, ?2)");
        _deleteBucket = Prepare("DELETE FROM buckets WHERE name = ?1");
        _putObject = Prepare("INSERT OR REPLACE INTO objects (bucket, key, data) VALUES (?1, ?2, ?3)");
        _deleteObject = Prepare("DELETE FROM objects WHERE bucket = ?1 AND key = ?2");
        _putUpload = Prepare("INSERT OR REPLACE INTO uploads (id, data) VALUES (?1, ?2)");
        _deleteUpload = Prepare("DELETE FROM uploads WHERE id = ?1");
        _deleteParts = Prepare("DELETE FROM parts WHERE upload_id = ?1");
        _putPart = Prepare("INSERT OR REPLACE INTO parts (upload_id, part_number, data) VALUES (?1, ?2, ?3)");
        _putQueue = Prepare("INSERT OR REPLACE INTO queues (name, data) VALUES (?1, ?2)");
        _deleteQueue = Prepare("DELETE FROM queues WHERE name = ?1");
        _deleteQueueMessages = Prepare("DELETE FROM messages WHERE queue = ?1");
        _insertMessage = Prepare(
            "INSERT INTO messages (seq, queue, content, visible_at, receive_count, first_receive, receipt) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        _updateMessage = Prepare("UPDATE messages SET visible_at = ?2, receive_count = ?3, first_receive = ?4, receipt = ?5 WHERE seq = ?1");
        _deleteMessage = Prepare("DELETE FROM messages WHERE seq = ?1");
        _moveMessage = Prepare(
            "UPDATE messages SET queue = ?2, visible_at = ?3, receive_count = ?4, first_receive = ?5, receipt = ?6 WHERE seq = ?1");
        _deleteInlineBlob = Prepare("DELETE FROM inline_blobs WHERE id = ?1");
        _putFunction = Prepare("INSERT OR REPLACE INTO lambda_functions (name, data) VALUES (?1, ?2)");
        _deleteFunction = Prepare("DELETE FROM lambda_functions WHERE name = ?1");
        _putMapping = Prepare("INSERT OR REPLACE INTO lambda_mappings (uuid, data) VALUES (?1, ?2)");
        _deleteMapping = Prepare("DELETE FROM lambda_mappings WHERE uuid = ?1");
        _putAsyncEvent = Prepare("INSERT OR REPLACE INTO lambda_events (seq, data) VALUES (?1, ?2)");
        _deleteAsyncEvent = Prepare("DELETE FROM lambda_events WHERE seq = ?1");
    }

    internal void Begin() => _begin.Run();

    internal void Commit() => _commit.Run();

    internal void Rollback()
    {
        if (raw.sqlite3_get_autocommit(_db) == 0) _rollback.Run();
    }

    public void PutBucket(BucketRecord bucket) =>
        _putBucket.Text(1, bucket.Name).Json(2, bucket, StorageJson.Default.BucketRecord).Run();

    public void DeleteBucket(string name) => _deleteBucket.Text(1, name).Run();

    public void PutObject(ObjectRecord record) =>
        _putObject.Text(1, record.Bucket).Text(2, record.Key).Json(3, record, StorageJson.Default.ObjectRecord).Run();

    public void DeleteObject(string bucket, string key) => _deleteObject.Text(1, bucket).Text(2, key).Run();

    public void PutUpload(UploadRecord upload) =>
        _putUpload.Text(1, upload.UploadId).Json(2, upload, StorageJson.Default.UploadRecord).Run();

    public void DeleteUpload(string uploadId)
    {
        _deleteParts.Text(1, uploadId).Run();
        _deleteUpload.Text(1, uploadId).Run();
    }

    public void PutPart(PartRecord part) =>
        _putPart.Text(1, part.UploadId).Int(2, part.PartNumber).Json(3, part, StorageJson.Default.PartRecord).Run();

    public void PutQueue(QueueRecord queue) => _putQueue.Text(1, queue.Name).Json(2, queue, StorageJson.Default.QueueRecord).Run();

    public void DeleteQueue(string name)
    {
        _deleteQueueMessages.Text(1, name).Run();
        _deleteQueue.Text(1, name).Run();
    }

    public void DeleteQueueMessages(string name) => _deleteQueueMessages.Text(1, name).Run();

    /// <param name="content">The <see cref="MessageContent"/> already serialized (by the request's thread, not this one).</param>
    public void InsertMessage(long sequence, string queue, byte[] content, MessageState state) =>
        _insertMessage.Int(1, sequence).Text(2, queue).Blob(3, content).Int(4, state.VisibleAt).Int(5, state.ReceiveCount)
            .Int(6, state.FirstReceiveTimestamp).TextOrNull(7, state.ReceiptNonce).Run();

    public void UpdateMessage(long sequence, MessageState state) =>
        _updateMessage.Int(1, sequence).Int(2, state.VisibleAt).Int(3, state.ReceiveCount).Int(4, state.FirstReceiveTimestamp)
            .TextOrNull(5, state.ReceiptNonce).Run();

    public void DeleteMessage(long sequence) => _deleteMessage.Int(1, sequence).Run();

    /// <summary>Moves a message to another queue (dead-letter redrive), keeping its row and its id.</summary>
    public void MoveMessage(long sequence, string queue, MessageState state) =>
        _moveMessage.Int(1, sequence).Text(2, queue).Int(3, state.VisibleAt).Int(4, state.ReceiveCount).Int(5, state.FirstReceiveTimestamp)
            .TextOrNull(6, state.ReceiptNonce).Run();

    public void DeleteInlineBlob(long id) => _deleteInlineBlob.Int(1, id).Run();

    public void PutFunction(FunctionRecord function) =>
        _putFunction.Text(1, function.Name).Json(2, function, StorageJson.Default.FunctionRecord).Run();

    public void DeleteFunction(string name) => _deleteFunction.Text(1, name).Run();

    public void PutMapping(EventSourceMappingRecord mapping) =>
        _putMapping.Text(1, mapping.Uuid).Json(2, mapping, StorageJson.Default.EventSourceMappingRecord).Run();

    public void DeleteMapping(string uuid) => _deleteMapping.Text(1, uuid).Run();

    public void PutAsyncEvent(AsyncEventRecord asyncEvent) =>
        _putAsyncEvent.Int(1, asyncEvent.Sequence).Json(2, asyncEvent, StorageJson.Default.AsyncEventRecord).Run();

    public void DeleteAsyncEvent(long sequence) => _deleteAsyncEvent.Int(1, sequence).Run();

    public void Dispose()
    {
        foreach (var statement in _all) statement.Dispose();
    }

    /// <summary>One prepared statement: bind, step to completion, reset.</summary>
    private sealed class Statement : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;

        public Statement(sqlite3 db, string sql)
        {
            _db = db;
            Check(raw.sqlite3_prepare_v2(db, sql, out _statement));
        }

        public Statement Text(int index, string value)
        {
            Check(raw.sqlite3_bind_text(_statement, index, value));
            return this;
        }

        public Statement TextOrNull(int index, string? value) =>
            value is null ? Null(index) : Text(index, value);

        public Statement Int(int index, long value)
        {
            Check(raw.sqlite3_bind_int64(_statement, index, value));
            return this;
        }

        public Statement Blob(int index, ReadOnlySpan<byte> value)
        {
            Check(raw.sqlite3_bind_blob(_statement, index, value));
            return this;
        }

        public Statement Json<T>(int index, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        {
            Check(raw.sqlite3_bind_text(_statement, index, JsonSerializer.SerializeToUtf8Bytes(value, type)));
            return this;
        }

        private Statement Null(int index)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
            return this;
        }

        public void Run()
        {
            try
            {
                var result = raw.sqlite3_step(_statement);
                if (result != raw.SQLITE_DONE && result != raw.SQLITE_ROW) Check(result);
            }
            finally
            {
                raw.sqlite3_reset(_statement);
                raw.sqlite3_clear_bindings(_statement);
            }
        }

        private void Check(int result)
        {
            if (result != raw.SQLITE_OK) throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), result);
        }

        public void Dispose() => raw.sqlite3_finalize(_statement);
    }
}
