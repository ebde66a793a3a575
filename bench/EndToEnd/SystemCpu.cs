using System.Diagnostics;

namespace FaceRecognition.Bench;

/// <summary>
/// CPU time the system's processes (emulator, web tier, app tier) and this process (the load generator) used between two
/// snapshots. On a shared 2-core machine wall time moves with the neighbours; CPU time per request moves much less,
/// so it is the figure to compare changes by.
/// </summary>
internal sealed class SystemCpu
{
    public static readonly string[] Processes = ["FaceRecognition.Emulator", "FaceRecognition.WebTier", "FaceRecognition.AppTier"];
    public const string LoadGenerator = "load generator";

    private readonly Dictionary<string, TimeSpan> _start = Snapshot();

    /// <summary>Milliseconds of CPU per request for each process since this object was created.</summary>
    public Dictionary<string, double> PerRequest(int requests)
    {
        var end = Snapshot();
        return end.ToDictionary(e => e.Key, e => (e.Value - _start.GetValueOrDefault(e.Key)).TotalMilliseconds / requests);
    }

    private static Dictionary<string, TimeSpan> Snapshot()
    {
        var times = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var name in Processes)
        {
            times[name] = Process.GetProcessesByName(name).Aggregate(TimeSpan.Zero, (sum, p) =>
            {
                using (p)
                {
                    return sum + p.TotalProcessorTime;
                }
            });
        }
        times[LoadGenerator] = Process.GetCurrentProcess().TotalProcessorTime;
        return times;
    }
}
