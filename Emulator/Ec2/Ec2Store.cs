using FaceRecognition.Emulator.Protocol;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Ec2;

/// <summary>EC2 instance states with the codes EC2 gives them.</summary>
public static class InstanceStates
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Stopping = "stopping";
    public const string Stopped = "stopped";

    public static int Code(string state) => state switch
    {
        Pending => 0,
        Running => 16,
        Stopping => 64,
        Stopped => 80,
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };
}

public sealed record Ec2Instance(string InstanceId, IReadOnlyDictionary<string, string> Tags, string State, DateTimeOffset LaunchTime);

/// <summary>A state change an API call made: what the instance was and what it is now.</summary>
public sealed record StateChange(string InstanceId, string Previous, string Current);

/// <summary>
/// EC2's part of the emulator's state: the emulated instances. Nothing runs here: StartInstances moves an instance to
/// pending and StopInstances to stopping, and whoever runs the real thing (the AppHost locally) reports running and
/// stopped through <see cref="Complete"/>, as a hypervisor would. Kept in memory only (nothing to commit): the AppHost
/// registers its instances at every start. Every member runs inside a read or change of the <see cref="EmulatorStore"/>.
/// </summary>
internal sealed class Ec2Store(EmulatorStore store, TimeProvider time)
{
    private readonly Dictionary<string, Ec2Instance> _instances = new(StringComparer.Ordinal);

    /// <summary>Adds an instance with these tags in <paramref name="state"/> (stopped or running), or returns the one already tagged with this Name.</summary>
    public Ec2Instance Register(IReadOnlyDictionary<string, string> tags, string state)
    {
        store.AssertLocked();
        if (tags.TryGetValue("Name", out var name) && _instances.Values.FirstOrDefault(i => i.Tags.GetValueOrDefault("Name") == name) is { } existing)
        {
            return existing;
        }
        var instance = new Ec2Instance($"i-{Guid.NewGuid():N}"[..19], new Dictionary<string, string>(tags), state, time.GetUtcNow());
        _instances[instance.InstanceId] = instance;
        return instance;
    }

    public IReadOnlyList<Ec2Instance> All()
    {
        store.AssertLocked();
        return [.. _instances.Values.OrderBy(i => i.Tags.GetValueOrDefault("Name"), StringComparer.Ordinal).ThenBy(i => i.InstanceId, StringComparer.Ordinal)];
    }

    /// <summary>stopped -> pending (running and pending stay as they are; stopping cannot be started).</summary>
    public IReadOnlyList<StateChange> Start(IReadOnlyList<string> ids) => Change(ids, i => i.State switch
    {
        InstanceStates.Stopped => InstanceStates.Pending,
        InstanceStates.Pending or InstanceStates.Running => i.State,
        _ => throw Ec2Errors.IncorrectInstanceState(i.InstanceId, i.State, "started"),
    });

    /// <summary>running or pending -> stopping (stopping and stopped stay as they are).</summary>
    public IReadOnlyList<StateChange> Stop(IReadOnlyList<string> ids) => Change(ids, i => i.State switch
    {
        InstanceStates.Running or InstanceStates.Pending => InstanceStates.Stopping,
        _ => i.State,
    });

    /// <summary>pending -> running or stopping -> stopped, reported by whatever runs the instance.</summary>
    public StateChange Complete(string id, string state) => Change([id], i => (i.State, state) switch
    {
        (InstanceStates.Pending, InstanceStates.Running) or (InstanceStates.Stopping, InstanceStates.Stopped) => state,
        _ when i.State == state => state,
        _ => throw Ec2Errors.IncorrectInstanceState(i.InstanceId, i.State, $"reported {state}"),
    })[0];

    private StateChange[] Change(IReadOnlyList<string> ids, Func<Ec2Instance, string> next)
    {
        store.AssertLocked();
        var found = ids.Select(id => _instances.TryGetValue(id, out var instance) ? instance : throw Ec2Errors.InstanceNotFound(id)).ToArray();
        var changes = found.Select(i => new StateChange(i.InstanceId, i.State, next(i))).ToArray();
        foreach (var change in changes)
        {
            _instances[change.InstanceId] = _instances[change.InstanceId] with { State = change.Current };
        }
        return changes;
    }

    /// <summary>EC2 filter values: '*' any characters, '?' one.</summary>
    public static bool Matches(string pattern, string value) => Wildcard.IsMatch(pattern, value);
}
