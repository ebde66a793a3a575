using System.IO.Compression;

namespace FaceRecognition.Lambdas.Packaging;

/// <summary>Zips a folder so that the same files give the same bytes: entries in ordinal order, one fixed timestamp,
/// Unix modes kept (an executable stays executable, as Lambda needs for <c>bootstrap</c>).</summary>
public static class DeterministicZip
{
    private static readonly DateTimeOffset s_timestamp = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const int RegularFile = 0x8000;

    public static IReadOnlyList<PackageFile> Create(string folder, string zipPath)
    {
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: Path.GetRelativePath(folder, f).Replace('\\', '/')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .ToList();
        var contents = new List<PackageFile>();
        using (var stream = new FileStream(zipPath, FileMode.Create, FileAccess.Write))
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create))
        {
            foreach (var (full, relative) in files)
            {
                var mode = OperatingSystem.IsWindows() ? 0b110_100_100 : (int)File.GetUnixFileMode(full) & 0x1FF;
                var entry = archive.CreateEntry(relative, CompressionLevel.Optimal);
                entry.LastWriteTime = s_timestamp;
                entry.ExternalAttributes = (RegularFile | mode) << 16;
                using (var input = File.OpenRead(full))
                using (var output = entry.Open())
                {
                    input.CopyTo(output);
                }
                contents.Add(new PackageFile(relative, new FileInfo(full).Length, Convert.ToString(mode, 8)));
            }
        }
        return contents;
    }
}
