using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using FaceRecognition.Emulator.Storage;
using FaceRecognition.Emulator.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FaceRecognition.Emulator.Tests;

/// <summary>Small bodies live in append-only segment files: what is written reads back, what is released reads as gone
/// (never as other bytes), a restart keeps exactly what records refer to, and released space goes back to the disk.</summary>
public sealed class BodySegmentTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public void BodiesReadBackByTheirIds()
    {
        using var directory = new TestDirectory("segments");
        using var segments = new BodySegments(directory.Path, syncWrites: false);
        var bodies = new[] { 0, 1, 4095, 4096, 4097, 100_000 }.Select(RandomNumberGenerator.GetBytes).ToList();
        var ids = bodies.Select(body => segments.Append(body)).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        for (var i = 0; i < bodies.Count; i++) Assert.Equal(bodies[i], segments.Read(ids[i]));
    }

    [Fact]
    public void AReleasedBodyReadsAsGoneOnceItsSpaceIsPunchedOut()
    {
        using var directory = new TestDirectory("segments");
        if (!BodySegments.PunchesHoles(directory.Path)) Assert.Skip($"The file system of {directory.Path} does not punch holes (or this is not Linux): released space returns only with its whole segment.");
        using var segments = new BodySegments(directory.Path, syncWrites: false);
        var bodies = Enumerable.Range(0, 4).Select(_ => RandomNumberGenerator.GetBytes(6000)).ToList();
        var ids = bodies.Select(body => segments.Append(body)).ToList();

        segments.Release(ids[1]);
        segments.Release(ids[2]);
        Assert.Equal(bodies[1], segments.Read(ids[1])); // released, not yet punched: still the body it was
        segments.PunchReleased();

        Assert.Null(segments.Read(ids[1]));
        Assert.Null(segments.Read(ids[2]));
        Assert.Equal(bodies[0], segments.Read(ids[0]));
        Assert.Equal(bodies[3], segments.Read(ids[3]));
    }

    [Fact]
    public void DamagedBytesReadAsGoneNotAsTheWrongBody()
    {
        using var directory = new TestDirectory("segments");
        using var segments = new BodySegments(directory.Path, syncWrites: false);
        var id = segments.Append(RandomNumberGenerator.GetBytes(5000));
        var file = Directory.GetFiles(Path.Combine(directory.Path, "segments")).Single();
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            stream.Position = 100;
            stream.WriteByte(0xAB);
            stream.WriteByte(0xCD);
        }

        Assert.Null(segments.Read(id));
    }

    [Fact]
    public void ARestartKeepsWhatRecordsReferToAndDeletesSegmentsNothingRefersTo()
    {
        using var directory = new TestDirectory("segments");
        string abandoned, kept, cutOff;
        var keptBody = RandomNumberGenerator.GetBytes(3000);
        using (var first = new BodySegments(directory.Path, syncWrites: false)) abandoned = first.Append(RandomNumberGenerator.GetBytes(3000));
        using (var second = new BodySegments(directory.Path, syncWrites: false))
        {
            kept = second.Append(keptBody);
            cutOff = second.Append(RandomNumberGenerator.GetBytes(3000)); // written, but its record never committed
        }

        using var third = new BodySegments(directory.Path, syncWrites: false);
        third.RemoveOrphans([kept]);

        Assert.Equal(keptBody, third.Read(kept));
        Assert.Null(third.Read(abandoned));
        Assert.Null(third.Read(cutOff));
        // Segment 1 held nothing referenced: gone. Segment 2 holds the kept body; 3 takes new appends.
        Assert.Equal(["2.seg", "3.seg"], Directory.GetFiles(Path.Combine(directory.Path, "segments")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void AFullSegmentIsDeletedOnceEveryBodyInItIsReleased()
    {
        using var directory = new TestDirectory("segments");
        using var segments = new BodySegments(directory.Path, syncWrites: false, segmentSize: 16 * 1024);
        var inFirst = Enumerable.Range(0, 4).Select(_ => segments.Append(RandomNumberGenerator.GetBytes(4096))).ToList();
        var inSecond = segments.Append(RandomNumberGenerator.GetBytes(4096));
        var folder = Path.Combine(directory.Path, "segments");
        Assert.Equal(2, Directory.GetFiles(folder).Length);

        foreach (var id in inFirst.Take(3)) segments.Release(id);
        Assert.True(File.Exists(Path.Combine(folder, "1.seg")));
        segments.Release(inFirst[3]);

        Assert.False(File.Exists(Path.Combine(folder, "1.seg")));
        Assert.NotNull(segments.Read(inSecond));
    }

    [Fact]
    public async Task DeletedObjectsGiveTheirSpaceBackToTheDisk()
    {
        await using var emulator = new EmulatorFixture();
        if (!BodySegments.PunchesHoles(emulator.Data.Path))
        {
            Assert.Skip($"The file system of {emulator.Data.Path} does not punch holes (or this is not Linux): released space returns only with its whole segment.");
        }
        await emulator.InitializeAsync();
        var bucket = await emulator.NewBucket("space", _ct);
        var body = RandomNumberGenerator.GetBytes(64 * 1024);
        for (var i = 0; i < 200; i++)
        {
            await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"o{i}", InputStream = new MemoryStream(body) }, _ct);
        }
        var segments = Path.Combine(emulator.Data.Path, "segments");
        var written = AllocatedBytes(segments);
        Assert.True(written >= 200 * body.Length, $"{written} bytes allocated for 200 bodies of 64 KiB");

        for (var i = 0; i < 200; i += 2) await emulator.S3.DeleteObjectAsync(bucket, $"o{i}", _ct);

        // Released space is punched out by a background pass, once a second.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        long after;
        while ((after = AllocatedBytes(segments)) > written - 90 * body.Length && DateTime.UtcNow < deadline) await Task.Delay(100, _ct);
        Assert.True(after <= written - 90 * body.Length, $"{written} bytes allocated before deleting half of the objects, {after} 15 s after");
        using var get = await emulator.S3.GetObjectAsync(bucket, "o1", _ct);
        Assert.Equal(body, await S3ObjectTests.ReadAll(get.ResponseStream));
    }

    [Fact]
    public async Task BodiesKeptInTheDatabaseByEarlierVersionsAreStillReadAndDeleted()
    {
        await using var emulator = new EmulatorFixture();
        await emulator.InitializeAsync();
        var bucket = await emulator.NewBucket("legacy", _ct);
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "old", ContentBody = "placeholder" }, _ct);
        await emulator.Host.DisposeAsync();

        // Rewrite the record as an earlier version stored it: the body as a row of inline_blobs, referred to as m<id>.
        var body = RandomNumberGenerator.GetBytes(2000);
        using (var database = new SqliteConnection($"Data Source={Path.Combine(emulator.Data.Path, "emulator.db")};Pooling=False"))
        {
            database.Open();
            using var read = database.CreateCommand();
            read.CommandText = "SELECT data FROM objects WHERE bucket = $b AND key = 'old'";
            read.Parameters.AddWithValue("$b", bucket);
            var record = JsonNode.Parse((string)read.ExecuteScalar()!)!;
            record["BlobId"] = "m7";
            record["Size"] = body.Length;
            record["ETag"] = Convert.ToHexStringLower(MD5.HashData(body)); // the SDK checks a GET against it
            record["ChecksumAlgorithm"] = null; // the stored CRC was the placeholder's
            record["ChecksumValue"] = null;
            record["ChecksumType"] = null;
            using var write = database.CreateCommand();
            write.CommandText = "INSERT INTO inline_blobs (id, data) VALUES (7, $body); UPDATE objects SET data = $data WHERE bucket = $b AND key = 'old';";
            write.Parameters.AddWithValue("$body", body);
            write.Parameters.AddWithValue("$data", record.ToJsonString());
            write.Parameters.AddWithValue("$b", bucket);
            write.ExecuteNonQuery();
        }
        await emulator.StartAsync();

        using (var get = await emulator.S3.GetObjectAsync(bucket, "old", _ct))
        {
            Assert.Equal(body, await S3ObjectTests.ReadAll(get.ResponseStream));
        }
        await emulator.S3.DeleteObjectAsync(bucket, "old", _ct);
        await emulator.Host.DisposeAsync();
        using (var database = new SqliteConnection($"Data Source={Path.Combine(emulator.Data.Path, "emulator.db")};Pooling=False"))
        {
            database.Open();
            using var count = database.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM inline_blobs";
            Assert.Equal(0L, (long)count.ExecuteScalar()!);
        }
        await emulator.StartAsync(); // the fixture disposes a running emulator
    }

    /// <summary>Disk blocks allocated to the files under a folder (du's view, not the files' lengths).</summary>
    private static long AllocatedBytes(string folder)
    {
        using var du = Process.Start(new ProcessStartInfo("du", ["-s", "-B1", folder]) { RedirectStandardOutput = true })!;
        var output = du.StandardOutput.ReadToEnd();
        du.WaitForExit();
        return long.Parse(output.Split('\t')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
