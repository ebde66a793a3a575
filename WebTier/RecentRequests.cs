using FaceRecognition.Api;

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
