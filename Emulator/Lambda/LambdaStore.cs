using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Lambda;

/// <summary>
/// Lambda's part of the emulator's state: functions, event source mappings, and the events waiting for an
/// asynchronous invocation. Every member runs inside <see cref="EmulatorStore.Read{T}"/> or
/// <see cref="EmulatorStore.WriteAsync{T}"/>; each change records its write in the <see cref="StoreChanges"/> it is
/// given. What runs (execution environments, pollers) is not state: it lives in <c>FunctionRuntime</c> and the event sources.
/// </summary>
internal sealed class LambdaStore
{
    private readonly EmulatorStore _store;
    private readonly Dictionary<string, FunctionRecord> _functions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EventSourceMappingRecord> _mappings = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, AsyncEventRecord> _events = [];
    private long _nextEventSequence;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LambdaStore(EmulatorStore store, MetadataStore.Snapshot snapshot)
    {
        _store = store;
        foreach (var function in snapshot.Functions) _functions[function.Name] = function;
        foreach (var mapping in snapshot.Mappings) _mappings[mapping.Uuid] = mapping;
        foreach (var asyncEvent in snapshot.AsyncEvents)
        {
            _events[asyncEvent.Sequence] = asyncEvent;
            _nextEventSequence = Math.Max(_nextEventSequence, asyncEvent.Sequence);
        }
    }

    public int FunctionCount => _functions.Count;

    /// <summary>Completes at the next change to functions, mappings or waiting events (for the pollers and dispatchers).</summary>
    public Task Changed
    {
        get
        {
            _store.AssertLocked();
            return _changed.Task;
        }
    }

    public FunctionRecord GetFunction(string name, string arn) => FindFunction(name) ?? throw LambdaErrors.FunctionNotFound(arn);

    public FunctionRecord? FindFunction(string name)
    {
        _store.AssertLocked();
        return _functions.GetValueOrDefault(name);
    }

    public List<FunctionRecord> Functions()
    {
        _store.AssertLocked();
        return [.. _functions.Values.OrderBy(f => f.Name, StringComparer.Ordinal)];
    }

    public void CreateFunction(StoreChanges changes, FunctionRecord function)
    {
        _store.AssertLocked();
        if (_functions.ContainsKey(function.Name)) throw LambdaErrors.FunctionExists(function.Name);
        _functions[function.Name] = function;
        changes.Write(tx => tx.PutFunction(function));
        Signal();
    }

    /// <summary>Replaces a function's record; when its code changed, the old package is retired.</summary>
    public void UpdateFunction(StoreChanges changes, FunctionRecord function)
    {
        _store.AssertLocked();
        var current = _functions[function.Name];
        if (current.CodeBlobId != function.CodeBlobId) changes.RetireBody(current.CodeBlobId);
        _functions[function.Name] = function;
        changes.Write(tx => tx.PutFunction(function));
        Signal();
    }

    /// <summary>Deletes a function with its package, its event source mappings and the events still waiting for it.</summary>
    public void DeleteFunction(StoreChanges changes, FunctionRecord function)
    {
        _store.AssertLocked();
        _functions.Remove(function.Name);
        changes.RetireBody(function.CodeBlobId);
        var name = function.Name;
        changes.Write(tx => tx.DeleteFunction(name));
        foreach (var mapping in _mappings.Values.Where(m => m.FunctionName == name).ToList()) DeleteMapping(changes, mapping);
        foreach (var asyncEvent in _events.Values.Where(e => e.FunctionName == name).ToList()) DeleteEvent(changes, asyncEvent);
        Signal();
    }

    public EventSourceMappingRecord GetMapping(string uuid)
    {
        _store.AssertLocked();
        return _mappings.GetValueOrDefault(uuid) ?? throw LambdaErrors.MappingNotFound(uuid);
    }

    /// <summary>Whether <paramref name="mapping"/> is still the mapping as stored, and enabled.</summary>
    public bool IsCurrentAndEnabled(EventSourceMappingRecord mapping)
    {
        _store.AssertLocked();
        return mapping.Enabled && _mappings.GetValueOrDefault(mapping.Uuid) == mapping;
    }

    public List<EventSourceMappingRecord> Mappings()
    {
        _store.AssertLocked();
        return [.. _mappings.Values.OrderBy(m => m.LastModified).ThenBy(m => m.Uuid, StringComparer.Ordinal)];
    }

    public void PutMapping(StoreChanges changes, EventSourceMappingRecord mapping)
    {
        _store.AssertLocked();
        _mappings[mapping.Uuid] = mapping;
        changes.Write(tx => tx.PutMapping(mapping));
        Signal();
    }

    public void DeleteMapping(StoreChanges changes, EventSourceMappingRecord mapping)
    {
        _store.AssertLocked();
        _mappings.Remove(mapping.Uuid);
        var uuid = mapping.Uuid;
        changes.Write(tx => tx.DeleteMapping(uuid));
        Signal();
    }

    /// <summary>Keeps an event for an asynchronous invocation of <paramref name="functionName"/>.</summary>
    public AsyncEventRecord EnqueueEvent(StoreChanges changes, string functionName, string requestId, string payload, long now)
    {
        _store.AssertLocked();
        var asyncEvent = new AsyncEventRecord(++_nextEventSequence, functionName, requestId, payload, now, 0, now, null, null);
        _events[asyncEvent.Sequence] = asyncEvent;
        changes.Write(tx => tx.PutAsyncEvent(asyncEvent));
        Signal();
        return asyncEvent;
    }

    /// <summary>The waiting events, oldest first.</summary>
    public IEnumerable<AsyncEventRecord> Events()
    {
        _store.AssertLocked();
        return _events.Values;
    }

    public void UpdateEvent(StoreChanges changes, AsyncEventRecord asyncEvent)
    {
        _store.AssertLocked();
        _events[asyncEvent.Sequence] = asyncEvent;
        changes.Write(tx => tx.PutAsyncEvent(asyncEvent));
        Signal();
    }

    public void DeleteEvent(StoreChanges changes, AsyncEventRecord asyncEvent)
    {
        _store.AssertLocked();
        _events.Remove(asyncEvent.Sequence);
        var sequence = asyncEvent.Sequence;
        changes.Write(tx => tx.DeleteAsyncEvent(sequence));
    }

    /// <summary>Packages the records refer to (at start, before any request).</summary>
    public IEnumerable<string> ReferencedBlobs() => _functions.Values.Select(f => f.CodeBlobId);

    private void Signal()
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }
}
