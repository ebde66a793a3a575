using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Sqs;

/// <summary>
/// SQS's part of the emulator's state: queues and their messages. Every member runs inside
/// <see cref="EmulatorStore.Read{T}"/> or <see cref="EmulatorStore.WriteAsync{T}"/>; each change records its write in the
/// <see cref="StoreChanges"/> it is given. Used by the SQS handlers, by S3 to deliver event notifications in the same
/// commit as the object, and by Lambda's event source mappings.
/// </summary>
internal sealed class SqsStore
{
    private readonly EmulatorStore _store;
    private readonly Dictionary<string, SqsQueue> _queues = new(StringComparer.Ordinal);
    private long _nextMessageSequence;

    public SqsStore(EmulatorStore store, MetadataStore.Snapshot snapshot)
    {
        _store = store;
        foreach (var record in snapshot.Queues) _queues[record.Name] = new SqsQueue(record);
        foreach (var message in snapshot.Messages)
        {
            // Sequence numbers only grow, across restarts too (they are the database row ids).
            _nextMessageSequence = Math.Max(_nextMessageSequence, message.Sequence);
            if (_queues.TryGetValue(message.Queue, out var queue)) queue.Add(new SqsMessage(message.Sequence, message.Content, message.State));
        }
    }

    public int QueueCount => _queues.Count;

    public SqsQueue GetQueue(string name) => FindQueue(name) ?? throw SqsErrors.QueueDoesNotExist(name);

    public SqsQueue? FindQueue(string name)
    {
        _store.AssertLocked();
        return _queues.GetValueOrDefault(name);
    }

    public bool Exists(string name) => FindQueue(name) is not null;

    public List<SqsQueue> Queues()
    {
        _store.AssertLocked();
        return [.. _queues.Values];
    }

    public void CreateQueue(StoreChanges changes, QueueRecord record)
    {
        _store.AssertLocked();
        _queues[record.Name] = new SqsQueue(record);
        changes.Write(tx => tx.PutQueue(record));
    }

    public void UpdateQueue(StoreChanges changes, SqsQueue queue, QueueRecord record)
    {
        _store.AssertLocked();
        queue.Update(record);
        changes.Write(tx => tx.PutQueue(record));
    }

    public void DeleteQueue(StoreChanges changes, SqsQueue queue)
    {
        _store.AssertLocked();
        _queues.Remove(queue.Name);
        queue.Clear();
        var name = queue.Name;
        changes.Write(tx => tx.DeleteQueue(name));
    }

    public void Purge(StoreChanges changes, SqsQueue queue)
    {
        _store.AssertLocked();
        queue.Clear();
        var name = queue.Name;
        changes.Write(tx => tx.DeleteQueueMessages(name));
    }

    public void Enqueue(StoreChanges changes, SqsQueue queue, PreparedMessage message, long now)
    {
        _store.AssertLocked();
        var sequence = ++_nextMessageSequence;
        var delay = message.DelaySeconds ?? queue.Settings.DelaySeconds;
        var state = new MessageState(now + 1000L * delay, 0, 0, null);
        queue.Add(new SqsMessage(sequence, message.Content, state));
        var queueName = queue.Name;
        changes.Write(tx => tx.InsertMessage(sequence, queueName, message.ContentJson, state));
    }

    /// <summary>
    /// Takes up to <paramref name="max"/> visible messages, each now invisible for <paramref name="visibilityTimeout"/>
    /// seconds under a new receipt. On the way, messages past their retention period are removed, and messages already
    /// received as often as the queue's redrive policy allows move to its dead-letter queue, as SQS does.
    /// </summary>
    public List<SqsMessage> Receive(StoreChanges changes, SqsQueue queue, int max, int visibilityTimeout, long now)
    {
        _store.AssertLocked();
        var taken = new List<SqsMessage>();
        var retention = 1000L * queue.Settings.MessageRetentionPeriod;
        var redrive = queue.Settings.Redrive;
        while (taken.Count < max && queue.TakeVisible(now) is { } message)
        {
            var sequence = message.Sequence;
            if (message.Content.SentTimestamp + retention <= now)
            {
                queue.Remove(sequence);
                changes.Write(tx => tx.DeleteMessage(sequence));
                continue;
            }
            if (redrive is not null && message.State.ReceiveCount >= redrive.MaxReceiveCount &&
                _queues.TryGetValue(redrive.TargetQueueName, out var deadLetters) && deadLetters != queue)
            {
                queue.Remove(sequence);
                var moved = message.State with { VisibleAt = now, ReceiptNonce = null };
                deadLetters.Add(new SqsMessage(sequence, message.Content, moved));
                var target = deadLetters.Name;
                changes.Write(tx => tx.MoveMessage(sequence, target, moved));
                continue;
            }
            var received = new MessageState(
                now + 1000L * visibilityTimeout,
                message.State.ReceiveCount + 1,
                message.State.FirstReceiveTimestamp == 0 ? now : message.State.FirstReceiveTimestamp,
                ReceiptHandle.NewNonce());
            message.State = received;
            changes.Write(tx => tx.UpdateMessage(sequence, received));
            taken.Add(message);
        }
        // Re-queued only now, so that a zero visibility timeout cannot hand the same message out twice in one call.
        foreach (var message in taken) queue.Requeue(message);
        return taken;
    }

    /// <summary>Deletes the message a receipt names. A message already gone, or a receipt from an earlier receive,
    /// deletes nothing and is no error (as AWS documents); a receipt for another queue is.</summary>
    public void Delete(StoreChanges changes, SqsQueue queue, ReceiptHandle handle, string? handleText)
    {
        _store.AssertLocked();
        if (handle.Queue != queue.Name) throw SqsErrors.ReceiptHandleIsInvalid(handleText);
        if (!queue.Messages.TryGetValue(handle.Sequence, out var message) || message.State.ReceiptNonce != handle.Nonce) return;
        queue.Remove(handle.Sequence);
        var sequence = handle.Sequence;
        changes.Write(tx => tx.DeleteMessage(sequence));
    }

    /// <summary>Makes an in-flight message visible again at <paramref name="visibleAt"/>.</summary>
    public void ChangeVisibility(StoreChanges changes, SqsQueue queue, SqsMessage message, long visibleAt)
    {
        _store.AssertLocked();
        queue.SetVisibleAt(message, visibleAt);
        var sequence = message.Sequence;
        var updated = message.State;
        changes.Write(tx => tx.UpdateMessage(sequence, updated));
    }

    /// <summary>Removes messages past their queue's retention period; returns how many.</summary>
    public int RemoveExpired(StoreChanges changes, long now)
    {
        _store.AssertLocked();
        var removed = 0;
        foreach (var queue in _queues.Values)
        {
            var retention = 1000L * queue.Settings.MessageRetentionPeriod;
            foreach (var message in queue.Messages.Values.Where(m => m.Content.SentTimestamp + retention <= now).ToList())
            {
                queue.Remove(message.Sequence);
                var sequence = message.Sequence;
                changes.Write(tx => tx.DeleteMessage(sequence));
                removed++;
            }
        }
        return removed;
    }
}
