using System.Threading.Channels;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace FaceRecognition.Cloud.Messaging;

/// <summary>
/// Coalesces single sends and deletes into SendMessageBatch / DeleteMessageBatch calls (up to 10 entries each): under
/// load, operations that arrive while a call is in flight go out together, so a busy service makes a fraction of the
/// calls; alone, an operation goes out at once. Each caller still gets its own success or failure.
/// </summary>
public sealed class SqsBatcher : IAsyncDisposable
{
    private const int MaxEntries = 10;
    private const int MaxCallsInFlight = 4;
    private readonly IAmazonSQS _sqs;
    private readonly Channel<Operation> _operations = Channel.CreateUnbounded<Operation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _calls = new(MaxCallsInFlight);
    private readonly Task _loop;

    public SqsBatcher(IAmazonSQS sqs)
    {
        _sqs = sqs;
        // The loop outlives whoever first resolved the batcher: it must not carry that caller's trace (every batch call
        // would show up inside the first request's trace). A batch serves many requests, so its calls have no parent.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync);
        }
    }

    public Task SendAsync(string queueUrl, string body, Dictionary<string, MessageAttributeValue>? attributes, CancellationToken cancellationToken) =>
        Enqueue(new Operation(true, queueUrl, body, attributes), cancellationToken);

    public Task DeleteAsync(string queueUrl, string receiptHandle, CancellationToken cancellationToken) =>
        Enqueue(new Operation(false, queueUrl, receiptHandle, null), cancellationToken);

    private Task Enqueue(Operation operation, CancellationToken cancellationToken)
    {
        if (!_operations.Writer.TryWrite(operation))
        {
            throw new ObjectDisposedException(nameof(SqsBatcher));
        }
        return operation.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        var pending = new List<Operation>();
        while (await _operations.Reader.WaitToReadAsync())
        {
            await _calls.WaitAsync();
            pending.Clear();
            while (pending.Count < MaxEntries * MaxCallsInFlight && _operations.Reader.TryRead(out var operation))
            {
                pending.Add(operation);
            }
            var groups = pending.GroupBy(o => (o.IsSend, o.QueueUrl)).SelectMany(g => g.Chunk(MaxEntries)).ToArray();
            // One call slot is held; the first group uses it, the others take their own.
            for (var i = 0; i < groups.Length; i++)
            {
                if (i > 0)
                {
                    await _calls.WaitAsync();
                }
                var group = groups[i];
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await CallAsync(group);
                    }
                    finally
                    {
                        _calls.Release();
                    }
                });
            }
            if (groups.Length == 0)
            {
                _calls.Release();
            }
        }
    }

    private async Task CallAsync(Operation[] group)
    {
        try
        {
            var queueUrl = group[0].QueueUrl;
            List<BatchResultErrorEntry>? failed;
            if (group[0].IsSend)
            {
                var response = await _sqs.SendMessageBatchAsync(new SendMessageBatchRequest(queueUrl,
                    [.. group.Select((o, i) => new SendMessageBatchRequestEntry(Id(i), o.Text) { MessageAttributes = o.Attributes ?? [] })]));
                failed = response.Failed;
            }
            else
            {
                var response = await _sqs.DeleteMessageBatchAsync(queueUrl,
                    [.. group.Select((o, i) => new DeleteMessageBatchRequestEntry(Id(i), o.Text))]);
                failed = response.Failed;
            }
            var errors = (failed ?? []).ToDictionary(f => f.Id, f => f.Message ?? f.Code);
            for (var i = 0; i < group.Length; i++)
            {
                if (errors.TryGetValue(Id(i), out var error))
                {
                    group[i].Done.TrySetException(new AmazonSQSException(error));
                }
                else
                {
                    group[i].Done.TrySetResult();
                }
            }
        }
        catch (Exception e)
        {
            foreach (var operation in group)
            {
                operation.Done.TrySetException(e);
            }
        }
    }

    private static string Id(int index) => index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        _operations.Writer.TryComplete();
        await _loop;
        for (var i = 0; i < MaxCallsInFlight; i++)
        {
            await _calls.WaitAsync();
        }
        _calls.Dispose();
    }

    /// <summary>A send (Text = body) or a delete (Text = receipt handle).</summary>
    private sealed record Operation(bool IsSend, string QueueUrl, string Text, Dictionary<string, MessageAttributeValue>? Attributes)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
