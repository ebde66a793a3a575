using System.Buffers.Binary;
using System.Text;

namespace FaceRecognition.Lambdas.Packaging.Tests.Support;

/// <summary>What a 64-bit little-endian ELF file asks of the system that loads it: the shared libraries it names
/// (<c>DT_NEEDED</c>) and the symbol versions it needs from them (<c>.gnu.version_r</c>, e.g. <c>GLIBC_2.34</c>).</summary>
internal sealed record ElfFile(IReadOnlyList<string> Needed, IReadOnlyList<(string Library, string Version)> VersionsNeeded)
{
    private const uint SectionDynamic = 6;
    private const uint SectionVersionNeeded = 0x6ffffffe;
    private const long TagNeeded = 1;

    public static bool IsElf(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var file = File.OpenRead(path);
        return file.Read(magic) == 4 && magic.SequenceEqual("\u007fELF"u8);
    }

    public static ElfFile Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 64 || bytes[4] != 2 || bytes[5] != 1) throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file.");
        var sectionsAt = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(0x28));
        var sectionSize = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(0x3A));
        var sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(0x3C));
        var sections = Enumerable.Range(0, sectionCount).Select(i => Section.At(bytes, sectionsAt + i * sectionSize)).ToList();

        var needed = new List<string>();
        var versions = new List<(string, string)>();
        foreach (var section in sections)
        {
            var strings = sections[(int)section.Link];
            if (section.Type == SectionDynamic)
            {
                for (var entry = section.Offset; entry + 16 <= section.Offset + section.Size; entry += 16)
                {
                    if (BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(entry)) == TagNeeded)
                    {
                        needed.Add(StringAt(bytes, strings, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(entry + 8))));
                    }
                }
            }
            else if (section.Type == SectionVersionNeeded)
            {
                // Verneed { u16 version; u16 count; u32 file; u32 aux; u32 next } then Vernaux { u32 hash; u16 flags; u16 other; u32 name; u32 next }.
                var need = section.Offset;
                for (var i = 0; i < section.Info; i++)
                {
                    var count = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(need + 2));
                    var library = StringAt(bytes, strings, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(need + 4)));
                    var aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(need + 8));
                    for (var j = 0; j < count; j++)
                    {
                        versions.Add((library, StringAt(bytes, strings, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(aux + 8)))));
                        aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(aux + 12));
                    }
                    need += (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(need + 12));
                }
            }
        }
        return new ElfFile(needed, versions);
    }

    private static string StringAt(byte[] bytes, Section strings, ulong offset)
    {
        var start = strings.Offset + (int)offset;
        var end = Array.IndexOf(bytes, (byte)0, start);
        return Encoding.ASCII.GetString(bytes, start, end - start);
    }

    private sealed record Section(uint Type, int Offset, int Size, uint Link, uint Info)
    {
        // Elf64_Shdr: name u32, type u32, flags u64, addr u64, offset u64, size u64, link u32, info u32, align u64, entsize u64.
        public static Section At(byte[] bytes, int at) => new(
            BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 4)),
            (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at + 24)),
            (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at + 32)),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 40)),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 44)));
    }
}
