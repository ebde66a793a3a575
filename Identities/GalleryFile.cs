using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace FaceRecognition.Identities;

/// <summary>
/// The gallery's file format (little-endian), small and checked on load:
/// <code>
/// "FRGALLRY"                      8 bytes, magic
/// version u16 = 2, dimension u16 = 128
/// identity count u32
/// per identity: name length u8, name (ASCII, IdentityName rules), face count u32, then per face:
///   id 8 bytes, enrolled at i64 (Unix milliseconds), source length u8, source (UTF-8), 128 float32
/// CRC-32 (IEEE) of every byte before it, u32
/// </code>
/// Version 1 (no id, time or source per face: the 128 floats alone) still loads; its faces get ids derived from the
/// identity and the face's position, so they are the same at every load until the gallery is saved as version 2.
/// </summary>
public sealed partial class Gallery
{
    private const ushort FormatVersion = 2;
    private const ushort FirstFormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "FRGALLRY"u8;

    public void Save(Stream destination)
    {
        var snapshot = _snapshot;
        using var buffer = new MemoryStream();
        var writer = new BinaryWriter(buffer, Encoding.ASCII, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write((ushort)Dimension);
        writer.Write((uint)snapshot.Names.Length);
        for (var identity = 0; identity < snapshot.Names.Length; identity++)
        {
            var rows = Enumerable.Range(0, snapshot.Count).Where(r => snapshot.Owners[r] == identity).ToArray();
            writer.Write((byte)snapshot.Names[identity].Length);
            writer.Write(Encoding.ASCII.GetBytes(snapshot.Names[identity]));
            writer.Write((uint)rows.Length);
            foreach (var row in rows)
            {
                var face = snapshot.Faces[row];
                writer.Write(Convert.FromHexString(face.Id));
                writer.Write(face.EnrolledAt.ToUnixTimeMilliseconds());
                var source = Encoding.UTF8.GetBytes(face.Source);
                writer.Write((byte)source.Length);
                writer.Write(source);
                foreach (var value in snapshot.Vectors.AsSpan(row * Dimension, Dimension))
                {
                    writer.Write(value);
                }
            }
        }
        writer.Flush();
        writer.Write(Crc32.HashToUInt32(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        writer.Flush();
        buffer.Position = 0;
        buffer.CopyTo(destination);
    }

    /// <summary>Writes to a temporary file beside <paramref name="path"/> and renames it, so a crash never leaves half a gallery.</summary>
    public void SaveToFile(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        using (var file = File.Create(temporary))
        {
            Save(file);
        }
        File.Move(temporary, full, overwrite: true);
    }

    /// <exception cref="InvalidDataException">The data is not a gallery, or is damaged; the message says how.</exception>
    public static Gallery Load(Stream source)
    {
        using var buffer = new MemoryStream();
        source.CopyTo(buffer);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.Length < Magic.Length + 12 || !bytes.StartsWith(Magic))
        {
            throw new InvalidDataException("Not a gallery file (no FRGALLRY header).");
        }
        var body = bytes[..^4];
        if (Crc32.HashToUInt32(body) != BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]))
        {
            throw new InvalidDataException("The gallery file is damaged (checksum mismatch).");
        }

        var reader = new SpanReader(body[Magic.Length..]);
        var version = reader.UInt16();
        var dimension = reader.UInt16();
        if (version is not (FormatVersion or FirstFormatVersion) || dimension != Dimension)
        {
            throw new InvalidDataException($"Gallery format {version} with {dimension}-D faces is not supported (expected {FormatVersion}, {Dimension}).");
        }
        var gallery = new Gallery();
        var identities = reader.UInt32();
        for (var i = 0; i < identities; i++)
        {
            var name = Encoding.ASCII.GetString(reader.Bytes(reader.Byte()));
            if (!IdentityName.IsValid(name) || gallery.Contains(name))
            {
                throw new InvalidDataException($"The gallery holds an invalid or repeated identity name '{name}'.");
            }
            var faces = reader.UInt32();
            if ((long)faces * Dimension * sizeof(float) > reader.Remaining)
            {
                throw new InvalidDataException($"The gallery file claims {faces} faces for '{name}' but is shorter than that.");
            }
            var descriptors = new float[faces][];
            var records = new EnrolledFace[faces];
            for (var f = 0; f < faces; f++)
            {
                records[f] = version == FirstFormatVersion
                    ? new EnrolledFace(FirstFormatFaceId(name, f), DateTimeOffset.UnixEpoch, "")
                    : ReadFace(ref reader, name);
                descriptors[f] = reader.Floats(Dimension);
            }
            if (faces > 0)
            {
                gallery.Add(name, descriptors, records);
            }
        }
        if (!reader.AtEnd)
        {
            throw new InvalidDataException("The gallery file has data after its last identity.");
        }
        return gallery;
    }

    private static EnrolledFace ReadFace(ref SpanReader reader, string name)
    {
        var id = Convert.ToHexStringLower(reader.Bytes(8));
        var milliseconds = reader.Int64();
        if (milliseconds < 0 || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            throw new InvalidDataException($"A face of '{name}' has an enrolment time out of range.");
        }
        string source;
        try
        {
            source = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(reader.Bytes(reader.Byte()));
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidDataException($"A face of '{name}' names its source picture in bytes that are not UTF-8.");
        }
        return new EnrolledFace(id, DateTimeOffset.FromUnixTimeMilliseconds(milliseconds), source);
    }

    private static string FirstFormatFaceId(string name, int index) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes($"{name}/{index}"))[..8]);

    public static Gallery LoadFromFile(string path)
    {
        using var file = File.OpenRead(path);
        return Load(file);
    }

    private ref struct SpanReader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public readonly bool AtEnd => _rest.IsEmpty;

        public readonly int Remaining => _rest.Length;

        public byte Byte() => Bytes(1)[0];

        public ushort UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2));

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Bytes(8));

        public float[] Floats(int count)
        {
            var bytes = Bytes(count * sizeof(float));
            var values = new float[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
            }
            return values;
        }

        public ReadOnlySpan<byte> Bytes(int count)
        {
            if (count > _rest.Length)
            {
                throw new InvalidDataException("The gallery file ends in the middle of an entry.");
            }
            var bytes = _rest[..count];
            _rest = _rest[count..];
            return bytes;
        }
    }
}
