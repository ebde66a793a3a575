using System.Globalization;
using System.Runtime.InteropServices;

namespace FaceRecognition.Bench;

/// <summary>What every benchmark report says about where it ran, and where the repository is.</summary>
internal static class BenchMachine
{
    /// <summary>"Intel(R) Xeon(R) Processor, 2 cores, 23 GiB, Debian GNU/Linux 12 (bookworm); .NET 10.0.12".</summary>
    public static string Description() => string.Create(CultureInfo.InvariantCulture,
        $"{CpuModel()}, {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024)} GiB, {RuntimeInformation.OSDescription}; .NET {Environment.Version}");

    /// <summary>A report's first lines: its title, the date and the machine (with <paramref name="machineNote"/> after it).</summary>
    public static string Heading(string title, string? machineNote = null) => string.Create(CultureInfo.InvariantCulture,
        $"# {title}\n\n- Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n- Machine: {Description()}{(machineNote is null ? "" : "; " + machineNote)}\n");

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FaceRecognition.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Run inside the repository.");
    }

    /// <summary>The notes written by hand beside a report (ReportNotes.md), appended to it when present.</summary>
    public static string Notes(string benchFolder)
    {
        var notes = Path.Combine(RepositoryRoot(), "bench", benchFolder, "ReportNotes.md");
        return File.Exists(notes) ? Environment.NewLine + File.ReadAllText(notes) : "";
    }

    private static string CpuModel() => File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
        : RuntimeInformation.ProcessArchitecture.ToString();
}
