using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace FaceRecognition.Emulator.Storage;

/// <summary>
/// Everything the emulator keeps except bodies (records and messages), in one SQLite database in WAL
/// mode. The <see cref="CommitLog"/> writes, through <see cref="StoreTransaction"/>; records are read once, at start, into
/// the in-memory state. Small bodies written before body segments existed stay in <c>inline_blobs</c>, read on demand
/// through a pool of read connections.
/// </summary>
internal sealed class MetadataStore : IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS buckets (name TEXT PRIMARY KEY, data TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS objects (bucket TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL,
            PRIMARY KEY (bucket, key)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS uploads (id TEXT PRIMARY KEY, data TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS parts (upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, data TEXT NOT NULL,
            PRIMARY KEY (upload_id, part_number)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS queues (name TEXT PRIMARY KEY, data TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, queue TEXT NOT NULL, content BLOB NOT NULL,
            visible_at INTEGER NOT NULL, receive_count INTEGER NOT NULL, first_receive INTEGER NOT NULL, receipt TEXT);
        DROP INDEX IF EXISTS messages_by_queue;
        CREATE TABLE IF NOT EXISTS inline_blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS lambda_functions (name TEXT PRIMARY KEY, data TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS lambda_mappings (uuid TEXT PRIMARY KEY, data TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS lambda_events (seq INTEGER PRIMARY KEY, data TEXT NOT NULL);
        """;

    private readonly SqliteConnection _connection;
    private readonly SqliteConnection _checkpointConnection;
    private readonly System.Collections.Concurrent.ConcurrentBag<SqliteCommand> _blobReaders = [];

    public MetadataStore(string dataDirectory, bool syncWrites)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "emulator.db");
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        // WAL: a commit is one append to the log. synchronous=NORMAL keeps every committed transaction across a crash
        // or kill of this process (the OS has the bytes); FULL also fsyncs, for power loss. Checkpoints (which fsync)
        // run on their own connection in the background, never inside a request's commit.
        Execute($"PRAGMA journal_mode=WAL; PRAGMA synchronous={(syncWrites ? "FULL" : "NORMAL")}; PRAGMA busy_timeout=5000; PRAGMA wal_autocheckpoint=0;");
        Execute(Schema);
        Transaction = new StoreTransaction(_connection);
        _checkpointConnection = new SqliteConnection(_connection.ConnectionString);
        _checkpointConnection.Open();
    }

    internal StoreTransaction Transaction { get; }

    public Snapshot Load()
    {
        var buckets = ReadAll("SELECT data FROM buckets", r => Deserialize(r.GetString(0), StorageJson.Default.BucketRecord));
        var objects = ReadAll("SELECT data FROM objects", r => Deserialize(r.GetString(0), StorageJson.Default.ObjectRecord));
        var uploads = ReadAll("SELECT data FROM uploads", r => Deserialize(r.GetString(0), StorageJson.Default.UploadRecord));
        var parts = ReadAll("SELECT data FROM parts", r => Deserialize(r.GetString(0), StorageJson.Default.PartRecord));
        var queues = ReadAll("SELECT data FROM queues", r => Deserialize(r.GetString(0), StorageJson.Default.QueueRecord));
        var messages = ReadAll(
            "SELECT seq, queue, content, visible_at, receive_count, first_receive, receipt FROM messages ORDER BY seq",
            r => new StoredMessage(
                r.GetInt64(0),
                r.GetString(1),
                JsonSerializer.Deserialize((byte[])r.GetValue(2), StorageJson.Default.MessageContent)!,
                new MessageState(r.GetInt64(3), r.GetInt32(4), r.GetInt64(5), r.IsDBNull(6) ? null : r.GetString(6))));
        var functions = ReadAll("SELECT data FROM lambda_functions", r => Deserialize(r.GetString(0), StorageJson.Default.FunctionRecord));
        var mappings = ReadAll("SELECT data FROM lambda_mappings", r => Deserialize(r.GetString(0), StorageJson.Default.EventSourceMappingRecord));
        var events = ReadAll("SELECT data FROM lambda_events ORDER BY seq", r => Deserialize(r.GetString(0), StorageJson.Default.AsyncEventRecord));
        return new Snapshot(buckets, objects, uploads, parts, queues, messages, functions, mappings, events);
    }

    private List<T> ReadAll<T>(string sql, Func<SqliteDataReader, T> map)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(map(reader));
        return rows;
    }

    private static T Deserialize<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(json, type) ?? throw new InvalidDataException("A stored row is empty.");

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public List<long> InlineBlobIds() => ReadAll("SELECT id FROM inline_blobs", r => r.GetInt64(0));

    public void DeleteInlineBlobs(List<long> ids)
    {
        if (ids.Count == 0) return;
        using var transaction = _connection.BeginTransaction();
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM inline_blobs WHERE id = $id";
        var parameter = command.Parameters.Add(new SqliteParameter("$id", 0L));
        foreach (var id in ids)
        {
            parameter.Value = id;
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    /// <summary>Reads an inline body through a pool of read connections (WAL lets them read while the writer commits).
    /// Null when no such row is committed.</summary>
    public byte[]? ReadInlineBlob(long id)
    {
        if (!_blobReaders.TryTake(out var command))
        {
            var connection = new SqliteConnection(_connection.ConnectionString);
            connection.Open();
            command = connection.CreateCommand();
            command.CommandText = "SELECT data FROM inline_blobs WHERE id = $id";
            command.Parameters.Add(new SqliteParameter("$id", 0L));
        }
        try
        {
            command.Parameters[0].Value = id;
            using var reader = command.ExecuteReader();
            return reader.Read() ? (byte[])reader.GetValue(0) : null;
        }
        finally
        {
            _blobReaders.Add(command);
        }
    }

    /// <summary>Copies committed pages from the WAL into the database. PASSIVE never blocks the writer; TRUNCATE (at
    /// shutdown) also empties the WAL file.</summary>
    public void Checkpoint(bool truncate)
    {
        using var command = _checkpointConnection.CreateCommand();
        command.CommandText = truncate ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)";
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        while (_blobReaders.TryTake(out var reader))
        {
            reader.Connection?.Dispose();
            reader.Dispose();
        }
        Transaction.Dispose();
        _checkpointConnection.Dispose();
        _connection.Dispose();
    }

    internal sealed record Snapshot(
        List<BucketRecord> Buckets,
        List<ObjectRecord> Objects,
        List<UploadRecord> Uploads,
        List<PartRecord> Parts,
        List<QueueRecord> Queues,
        List<StoredMessage> Messages,
        List<FunctionRecord> Functions,
        List<EventSourceMappingRecord> Mappings,
        List<AsyncEventRecord> AsyncEvents);
}
