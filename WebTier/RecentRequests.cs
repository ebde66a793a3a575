namespace FaceRecognition.WebTier;

/// <summary>The last requests this web tier sent to the app tier, newest first, for the console's system view.</summary>
internal sealed class RecentRequests(TimeProvider time)
{
    public const int Capacity = 20;
    private readonly Lock _lock = new();
    private readonly LinkedList<RecentRequest> _requests = new();

    public void Add(string id, string mode, string subject, long startedTimestamp, string outcome)
    {
        var request = new RecentRequest(id, mode, subject, time.GetUtcNow(), Math.Round(time.GetElapsedTime(startedTimestamp).TotalMilliseconds, 1), outcome);
        lock (_lock)
        {
            _requests.AddFirst(request);
            if (_requests.Count > Capacity)
            {
                _requests.RemoveLast();
            }
        }
    }

    public RecentRequest[] Snapshot()
    {
        lock (_lock)
        {
            return [.. _requests];
        }
    }
}

/// <param name="Subject">The picture's key, or the identity enrolled or forgotten.</param>
/// <param name="Outcome">The answer (a name, or the kind of reply), or the error code.</param>
public sealed record RecentRequest(string Id, string Mode, string Subject, DateTimeOffset At, double Milliseconds, string Outcome);
