using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FaceRecognition.Emulator.Storage;

/// <summary>
/// Small bodies, appended to segment files (<c>segments/&lt;n&gt;.seg</c>) at 4 KiB-aligned offsets and never rewritten.
/// A small PUT then costs one write into the page cache, where a SQLite row cost two WAL frames that the checkpoint
/// copies again (bench/Emulator: about 20 µs of CPU per 4 KB PUT). A body's id names its segment, offset, length and
/// CRC-32, and a read checks the CRC, so a body whose space was given back reads as gone, never as other bytes. A body
/// is released after the commit that stops referring to it; its range is punched out of the file (Linux) by a
/// background pass once a second, adjacent ranges together (a punch is a journalled file-system operation: on the
/// request path it cost 3% of an overwrite-heavy PUT load), and a segment with no live body left is deleted at once.
/// After a restart, appends go to a new segment; older ones are only read and released.
/// </summary>
internal sealed partial class BodySegments : IDisposable
{
    internal const char Prefix = 's';
    private const long DefaultSegmentSize = 64L * 1024 * 1024;
    private const long Alignment = 4096;
    private const int PunchHoleKeepSize = 0x02 | 0x01; // FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE
    private static readonly TimeSpan s_punchPeriod = TimeSpan.FromSeconds(1);

    private readonly string _directory;
    private readonly bool _syncWrites;
    private readonly long _segmentSize;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Segment> _segments = [];
    private readonly List<(Segment Segment, long Offset, long Length)> _released = [];
    private readonly Lock _punchGate = new();
    private readonly Timer _puncher;
    private Segment _current;
    private long _tail;

    /// <param name="segmentSize">Where appends move on to a new segment (tests make it small).</param>
    public BodySegments(string dataDirectory, bool syncWrites, long segmentSize = DefaultSegmentSize)
    {
        _directory = Path.Combine(dataDirectory, "segments");
        _syncWrites = syncWrites;
        _segmentSize = segmentSize;
        Directory.CreateDirectory(_directory);
        foreach (var path in Directory.EnumerateFiles(_directory, "*.seg"))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                _segments[number] = Segment.Open(number, path, FileMode.Open);
            }
        }
        _current = NewSegmentLocked();
        _puncher = new Timer(_ => PunchReleased(), null, s_punchPeriod, s_punchPeriod);
    }

    public static bool Owns(string id) => id.Length > 1 && id[0] == Prefix;

    /// <summary>Writes a body and returns its id. The write is in the operating system's hands when this returns (and on
    /// disk with sync writes), so a record that refers to it may be committed.</summary>
    public string Append(ReadOnlySpan<byte> body)
    {
        Segment segment;
        long offset;
        lock (_gate)
        {
            if (_tail > 0 && _tail + body.Length > _segmentSize)
            {
                var full = _current;
                _current = NewSegmentLocked();
                _tail = 0;
                if (full.Live == 0)
                {
                    _segments.Remove(full.Number);
                    full.Delete();
                }
            }
            segment = _current;
            offset = _tail;
            _tail = offset + Footprint(body.Length);
            segment.Live++;
        }
        var id = Format(segment.Number, offset, body.Length, Crc32.HashToUInt32(body));
        try
        {
            RandomAccess.Write(segment.Handle, body, offset);
            if (_syncWrites) RandomAccess.FlushToDisk(segment.Handle);
        }
        catch
        {
            Release(id);
            throw;
        }
        return id;
    }

    /// <summary>The body, or null when it is gone (released, or its segment deleted).</summary>
    public byte[]? Read(string id)
    {
        var (number, offset, length, crc) = Parse(id);
        Segment? segment;
        lock (_gate) segment = _segments.GetValueOrDefault(number);
        if (segment is null) return null;
        var body = new byte[length];
        try
        {
            var done = 0;
            while (done < length)
            {
                var read = RandomAccess.Read(segment.Handle, body.AsSpan(done), offset + done);
                if (read == 0) return null;
                done += read;
            }
        }
        catch (ObjectDisposedException)
        {
            return null; // the segment was deleted while this read started
        }
        return Crc32.HashToUInt32(body) == crc ? body : null;
    }

    /// <summary>Gives a body's space back. Call once per <see cref="Append"/>, after the commit that stopped referring
    /// to it (or instead of any commit). Until the next punch pass, a reader that still holds the id reads the old
    /// body, which is what it looked up.</summary>
    public void Release(string id)
    {
        var (number, offset, length, _) = Parse(id);
        Segment? emptied = null;
        lock (_gate)
        {
            var segment = _segments.GetValueOrDefault(number);
            if (segment is null) return;
            segment.Live--;
            if (segment.Live <= 0 && segment != _current)
            {
                _segments.Remove(number);
                emptied = segment;
            }
            else
            {
                _released.Add((segment, offset, Footprint(length)));
            }
        }
        emptied?.Delete();
    }

    /// <summary>Punches out the ranges released since the last pass, merging adjacent ones (runs once a second).</summary>
    internal void PunchReleased()
    {
        lock (_punchGate)
        {
            List<(Segment Segment, long Offset, long Length)> batch;
            lock (_gate)
            {
                if (_released.Count == 0) return;
                batch = [.. _released];
                _released.Clear();
            }
            foreach (var ranges in batch.GroupBy(r => r.Segment))
            {
                long start = -1, end = -1;
                foreach (var (_, offset, length) in ranges.OrderBy(r => r.Offset))
                {
                    if (offset != end)
                    {
                        PunchHole(ranges.Key.Handle, start, end - start);
                        start = offset;
                    }
                    end = offset + length;
                }
                PunchHole(ranges.Key.Handle, start, end - start);
            }
        }
    }

    /// <summary>At start: counts the live bodies of each segment, deletes segments without any, and punches out the
    /// space between live bodies (appends a crash cut off, releases not yet punched). Returns the segments deleted.</summary>
    public int RemoveOrphans(IEnumerable<string> referenced)
    {
        var live = new Dictionary<long, List<(long Offset, long Length)>>();
        foreach (var id in referenced.Where(Owns))
        {
            var (number, offset, length, _) = Parse(id);
            (live.TryGetValue(number, out var ranges) ? ranges : live[number] = []).Add((offset, Footprint(length)));
        }
        var deleted = 0;
        lock (_gate)
        {
            foreach (var segment in _segments.Values.Where(s => s != _current).ToList())
            {
                if (!live.TryGetValue(segment.Number, out var ranges))
                {
                    _segments.Remove(segment.Number);
                    segment.Delete();
                    deleted++;
                    continue;
                }
                segment.Live = ranges.Count;
                var end = 0L;
                foreach (var (offset, length) in ranges.OrderBy(r => r.Offset))
                {
                    if (offset > end) PunchHole(segment.Handle, end, offset - end);
                    end = Math.Max(end, offset + length);
                }
                var size = RandomAccess.GetLength(segment.Handle);
                if (size > end) PunchHole(segment.Handle, end, size - end);
            }
        }
        return deleted;
    }

    public void Dispose()
    {
        _puncher.Dispose();
        PunchReleased();
        lock (_gate)
        {
            foreach (var segment in _segments.Values) segment.Handle.Dispose();
        }
    }

    private Segment NewSegmentLocked()
    {
        var number = _segments.Count == 0 ? 1 : _segments.Keys.Max() + 1;
        var segment = Segment.Open(number, Path.Combine(_directory, number.ToString(CultureInfo.InvariantCulture) + ".seg"), FileMode.CreateNew);
        _segments[number] = segment;
        return segment;
    }

    /// <summary>The space a body takes: whole blocks, at least one, so that no two bodies share an id or a block that a
    /// release punches out.</summary>
    private static long Footprint(int length) => (Math.Max(1, length) + Alignment - 1) / Alignment * Alignment;

    private static string Format(long segment, long offset, int length, uint crc) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{segment}-{offset}-{length}-{crc:x8}");

    private static (long Segment, long Offset, int Length, uint Crc) Parse(string id)
    {
        var parts = id.AsSpan(1);
        Span<Range> fields = stackalloc Range[5];
        if (Owns(id) && parts.Split(fields, '-') == 4 &&
            long.TryParse(parts[fields[0]], NumberStyles.None, CultureInfo.InvariantCulture, out var segment) &&
            long.TryParse(parts[fields[1]], NumberStyles.None, CultureInfo.InvariantCulture, out var offset) &&
            int.TryParse(parts[fields[2]], NumberStyles.None, CultureInfo.InvariantCulture, out var length) &&
            uint.TryParse(parts[fields[3]], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var crc))
        {
            return (segment, offset, length, crc);
        }
        throw new ArgumentException($"'{id}' is not a segment body id.", nameof(id));
    }

    /// <summary>Frees a range's blocks (the file keeps its size; the range reads as zeros). Linux only: elsewhere the
    /// space is freed when the whole segment is.</summary>
    private static void PunchHole(SafeFileHandle handle, long offset, long length)
    {
        if (length <= 0 || !OperatingSystem.IsLinux()) return;
        try
        {
            _ = Fallocate(handle, PunchHoleKeepSize, offset, length); // a failure only leaves the space in use
        }
        catch (ObjectDisposedException)
        {
            // The segment was deleted meanwhile: its space is free anyway.
        }
    }

    /// <summary>Whether the file system under <paramref name="directory"/> frees punched-out ranges (Linux ext4, xfs,
    /// btrfs, tmpfs do; some do not, and there released space returns only with its whole segment).</summary>
    internal static bool PunchesHoles(string directory)
    {
        if (!OperatingSystem.IsLinux()) return false;
        var probe = Path.Combine(directory, $"punch-probe-{Guid.NewGuid():N}");
        try
        {
            using var handle = File.OpenHandle(probe, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
            RandomAccess.Write(handle, new byte[2 * Alignment], 0);
            return Fallocate(handle, PunchHoleKeepSize, 0, Alignment) == 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static partial int Fallocate(SafeFileHandle handle, int mode, long offset, long length);

    private sealed class Segment(long number, string path, SafeFileHandle handle)
    {
        public long Number { get; } = number;

        public SafeFileHandle Handle { get; } = handle;

        /// <summary>Bodies appended and not yet released. Changed under the store's lock.</summary>
        public int Live { get; set; }

        public static Segment Open(long number, string path, FileMode mode) =>
            new(number, path, File.OpenHandle(path, mode, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete));

        public void Delete()
        {
            Handle.Dispose();
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // Left for the next start, which deletes segments no record refers to.
            }
        }
    }
}
