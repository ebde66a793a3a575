using System.Globalization;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Lambda.Execution;
using FaceRecognition.Emulator.Sqs;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Lambda;

/// <summary>
/// Asynchronous invocations (Invoke with <c>Event</c>, S3 notifications to a function), as Lambda runs them: each
/// waiting event (kept in the store, so none is lost to a restart) is invoked as capacity allows; a failed one is
/// retried after <c>Emulator:Lambda:AsyncRetryDelay</c>, then twice that (up to the function's MaximumRetryAttempts, 2
/// by default); one that still fails, or grows older than MaximumEventAgeInSeconds, goes to the function's dead-letter
/// queue with Lambda's attributes (RequestID, ErrorCode, ErrorMessage), or is dropped without one.
/// </summary>
internal sealed class AsyncEvents(
    EmulatorStore store,
    LambdaStore lambda,
    SqsStore sqs,
    LambdaNames names,
    LambdaExecutor executor,
    EmulatorOptions options,
    TimeProvider clock,
    ILogger<AsyncEvents> logger) : BackgroundService
{
    public const int DefaultRetryAttempts = 2;
    public const int DefaultMaximumEventAgeSeconds = 21600;
    private const int MaxErrorMessageBytes = 1024;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, bool> _running = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var work = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var (due, changed, nextAt) = store.Read(() =>
            {
                var events = lambda.Events().ToList();
                var ready = events.Where(e => e.NextAttemptAt <= now && !_running.ContainsKey(e.Sequence)).ToList();
                var later = events.Where(e => e.NextAttemptAt > now).Select(e => e.NextAttemptAt).DefaultIfEmpty(now + 60_000).Min();
                return (ready, lambda.Changed, later);
            });
            foreach (var asyncEvent in due)
            {
                _running[asyncEvent.Sequence] = true;
                work.Add(RunAsync(asyncEvent, stoppingToken));
            }
            work.RemoveAll(t => t.IsCompleted);
            var wait = TimeSpan.FromMilliseconds(Math.Clamp(nextAt - now, 10, 60_000));
            Task woken = Task.WhenAny([changed, .. work]);
            await woken.WaitAsync(wait, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await Task.WhenAll(work).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunAsync(AsyncEventRecord asyncEvent, CancellationToken stoppingToken)
    {
        try
        {
            var invocation = new Invocation(asyncEvent.RequestId, System.Text.Encoding.UTF8.GetBytes(asyncEvent.Payload), "Event");
            InvocationResult result;
            try
            {
                result = await executor.InvokeAsync(asyncEvent.FunctionName, invocation, queue: true, stoppingToken);
            }
            catch (Protocol.AwsException e) when (e.StatusCode == 404)
            {
                await store.WriteAsync(changes => lambda.DeleteEvent(changes, asyncEvent));
                return;
            }
            await store.WriteAsync(changes => Settle(changes, asyncEvent, result));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Still in the store: it runs again after the restart.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Asynchronous invocation {RequestId} of {Function} could not be settled; it will be tried again", asyncEvent.RequestId, asyncEvent.FunctionName);
        }
        finally
        {
            _running.TryRemove(asyncEvent.Sequence, out _);
        }
    }

    private void Settle(StoreChanges changes, AsyncEventRecord asyncEvent, InvocationResult result)
    {
        if (lambda.FindFunction(asyncEvent.FunctionName) is not { } function || !result.Failed)
        {
            lambda.DeleteEvent(changes, asyncEvent);
            return;
        }
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var attempts = asyncEvent.Attempts + 1;
        var message = result.ErrorMessage();
        var maxAge = 1000L * (function.MaximumEventAgeInSeconds ?? DefaultMaximumEventAgeSeconds);
        var delay = options.Lambda.AsyncRetryDelay * Math.Pow(2, attempts - 1);
        var nextAttempt = now + (long)delay.TotalMilliseconds;
        if (attempts <= (function.MaximumRetryAttempts ?? DefaultRetryAttempts) && nextAttempt - asyncEvent.ReceivedAt <= maxAge)
        {
            logger.LogInformation("{Function}: asynchronous invocation {RequestId} failed ({ErrorType}); retry {Attempt} in {Delay}", function.Name,
                asyncEvent.RequestId, result.ErrorType, attempts, delay);
            lambda.UpdateEvent(changes, asyncEvent with { Attempts = attempts, NextAttemptAt = nextAttempt, LastErrorType = result.ErrorType, LastErrorMessage = message });
            return;
        }
        lambda.DeleteEvent(changes, asyncEvent);
        if (function.DeadLetterTargetArn is { } target && names.QueueName(target) is { } queueName && sqs.FindQueue(queueName) is { } queue)
        {
            var attributes = new Dictionary<string, MessageAttributeValue>
            {
                ["RequestID"] = new("String", asyncEvent.RequestId, null),
                ["ErrorCode"] = new("Number", "200", null),
                ["ErrorMessage"] = new("String", Truncate(message), null),
            };
            sqs.Enqueue(changes, queue, PreparedMessage.Create(asyncEvent.Payload, attributes, null, now, null), now);
            logger.LogWarning("{Function}: asynchronous invocation {RequestId} failed {Attempts} time(s) ({ErrorType}); sent to {Queue}", function.Name,
                asyncEvent.RequestId, attempts.ToString(CultureInfo.InvariantCulture), result.ErrorType, queueName);
        }
        else
        {
            logger.LogWarning("{Function}: asynchronous invocation {RequestId} failed {Attempts} time(s) ({ErrorType}: {Message}); dropped (no dead-letter queue)",
                function.Name, asyncEvent.RequestId, attempts, result.ErrorType, message);
        }
    }

    private static string Truncate(string message)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(message);
        return bytes.Length <= MaxErrorMessageBytes ? message : System.Text.Encoding.UTF8.GetString(bytes, 0, MaxErrorMessageBytes).TrimEnd('\uFFFD');
    }
}
