using System.Collections.Concurrent;

namespace FaceRecognition.Lambdas.Runtime.Tests.Support;

/// <summary>A handler whose behaviour each test sets, counting its calls and how many ran at once.</summary>
internal sealed class ScriptedHandler : IS3EventHandler
{
    private int _running;
    private int _peak;

    public Func<S3Event, FunctionContext, int, Task> Behaviour { get; set; } = (_, _, _) => Task.CompletedTask;

    public ConcurrentQueue<(S3Event Event, FunctionContext Context)> Calls { get; } = new();

    public int Running => Volatile.Read(ref _running);

    public int Peak => Volatile.Read(ref _peak);

    public async Task HandleAsync(S3Event s3Event, FunctionContext context)
    {
        Calls.Enqueue((s3Event, context));
        var running = Interlocked.Increment(ref _running);
        int peak;
        while (running > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, running, peak) != peak)
        {
        }
        try
        {
            await Behaviour(s3Event, context, Calls.Count(c => c.Event.Records[0].Key == s3Event.Records[0].Key));
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
