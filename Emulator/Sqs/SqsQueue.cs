using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Sqs;

/// <summary>A message held by a queue. <see cref="State"/> changes under the state lock; the content never does.</summary>
internal sealed class SqsMessage(long sequence, MessageContent content, MessageState state)
{
    public long Sequence { get; } = sequence;
    public MessageContent Content { get; } = content;
    public MessageState State { get; set; } = state;

    public bool IsInFlight(long now) => State.ReceiveCount > 0 && State.VisibleAt > now;
}

/// <summary>
/// One queue in memory. Messages wait in a heap ordered by the time they become visible (then by sequence, so a
/// fresh queue is first-in first-out); entries whose message was deleted or re-timed are skipped when they surface.
/// Long-polling receivers wait on <see cref="Changed"/>, which a send or a visibility change completes.
/// All members are called under the state lock.
/// </summary>
internal sealed class SqsQueue
{
    private readonly PriorityQueue<SqsMessage, (long VisibleAt, long Sequence)> _byVisibility = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _changedObserved;

    public SqsQueue(QueueRecord record)
    {
        Record = record;
        Settings = QueueSettings.From(record.Attributes);
    }

    public QueueRecord Record { get; private set; }

    public QueueSettings Settings { get; private set; }

    public string Name => Record.Name;

    public Dictionary<long, SqsMessage> Messages { get; } = [];

    /// <summary>Completes at the next change that may let a waiting receiver take a message.</summary>
    public Task Changed
    {
        get
        {
            _changedObserved = true;
            return _changed.Task;
        }
    }

    public void Update(QueueRecord record)
    {
        Record = record;
        Settings = QueueSettings.From(record.Attributes);
    }

    public void Add(SqsMessage message)
    {
        Messages[message.Sequence] = message;
        _byVisibility.Enqueue(message, (message.State.VisibleAt, message.Sequence));
        Signal();
    }

    public bool Remove(long sequence) => Messages.Remove(sequence);

    public void SetVisibleAt(SqsMessage message, long visibleAt)
    {
        message.State = message.State with { VisibleAt = visibleAt };
        _byVisibility.Enqueue(message, (visibleAt, message.Sequence));
        Signal();
    }

    public void Clear()
    {
        Messages.Clear();
        _byVisibility.Clear();
    }

    /// <summary>Takes the next message that is visible at <paramref name="now"/>, if any.</summary>
    public SqsMessage? TakeVisible(long now)
    {
        while (_byVisibility.TryPeek(out var message, out var key) && key.VisibleAt <= now)
        {
            _byVisibility.Dequeue();
            var current = Messages.GetValueOrDefault(message.Sequence);
            if (ReferenceEquals(current, message) && message.State.VisibleAt == key.VisibleAt) return message;
        }
        return null;
    }

    /// <summary>Puts a message back in the heap under its current visibility time (after a receive re-timed it).</summary>
    public void Requeue(SqsMessage message) => _byVisibility.Enqueue(message, (message.State.VisibleAt, message.Sequence));

    /// <summary>The earliest time a message may become visible, to bound how long a receiver sleeps.</summary>
    public long? NextVisibleAt() => _byVisibility.TryPeek(out _, out var key) ? key.VisibleAt : null;

    public (int Visible, int InFlight, int Delayed) Count(long now)
    {
        int visible = 0, inFlight = 0, delayed = 0;
        foreach (var message in Messages.Values)
        {
            if (message.State.VisibleAt <= now) visible++;
            else if (message.State.ReceiveCount > 0) inFlight++;
            else delayed++;
        }
        return (visible, inFlight, delayed);
    }

    private void Signal()
    {
        if (!_changedObserved) return;
        _changedObserved = false;
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }
}
