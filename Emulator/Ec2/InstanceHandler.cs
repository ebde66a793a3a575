using FaceRecognition.Emulator.Protocol;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Ec2;

/// <summary>Instance operations: DescribeInstances (instance ids; filters <c>tag:&lt;key&gt;</c>, <c>tag-key</c>,
/// <c>instance-state-name</c>; '*' and '?' wildcards), StartInstances, StopInstances; and what only the emulator has:
/// registering instances and reporting that one has finished starting or stopping.</summary>
internal sealed class InstanceHandler(EmulatorStore store, Ec2Store ec2)
{
    public byte[] DescribeInstances(IReadOnlyDictionary<string, string> parameters, string requestId)
    {
        var ids = InstanceIds(parameters, required: false);
        var filters = Filters(parameters);
        var all = store.Read(ec2.All);
        var unknown = ids.FirstOrDefault(id => all.All(i => i.InstanceId != id));
        if (unknown is not null) throw Ec2Errors.InstanceNotFound(unknown);
        return Ec2Xml.DescribeInstances(
            all.Where(i => (ids.Count == 0 || ids.Contains(i.InstanceId)) && filters.All(f => f.Values.Any(v => Passes(i, f.Name, v)))), requestId);
    }

    public async Task<byte[]> StartInstances(IReadOnlyDictionary<string, string> parameters, string requestId)
    {
        var ids = InstanceIds(parameters, required: true);
        return Ec2Xml.StateChanges("StartInstances", await store.WriteAsync(_ => ec2.Start(ids)), requestId);
    }

    public async Task<byte[]> StopInstances(IReadOnlyDictionary<string, string> parameters, string requestId)
    {
        var ids = InstanceIds(parameters, required: true);
        return Ec2Xml.StateChanges("StopInstances", await store.WriteAsync(_ => ec2.Stop(ids)), requestId);
    }

    public IReadOnlyList<Ec2Instance> All() => store.Read(ec2.All);

    public Task<Ec2Instance> Register(IReadOnlyDictionary<string, string> tags, string state)
    {
        if (state is not (InstanceStates.Running or InstanceStates.Stopped))
        {
            throw new AwsException(400, "InvalidParameterValue", "A registered instance is 'running' or 'stopped'.");
        }
        return store.WriteAsync(_ => ec2.Register(tags, state));
    }

    public Task<StateChange> Complete(string instanceId, string state)
    {
        if (state is not (InstanceStates.Running or InstanceStates.Stopped))
        {
            throw new AwsException(400, "InvalidParameterValue", "state must be 'running' or 'stopped'.");
        }
        return store.WriteAsync(_ => ec2.Complete(instanceId, state));
    }

    private static List<(string Name, List<string> Values)> Filters(IReadOnlyDictionary<string, string> parameters)
    {
        var filters = new List<(string Name, List<string> Values)>();
        for (var n = 1; parameters.TryGetValue($"Filter.{n}.Name", out var name); n++)
        {
            var values = new List<string>();
            for (var m = 1; parameters.TryGetValue($"Filter.{n}.Value.{m}", out var value); m++)
            {
                values.Add(value);
            }
            if (name is not ("instance-state-name" or "tag-key") && !name.StartsWith("tag:", StringComparison.Ordinal))
            {
                throw new AwsException(400, "InvalidParameterValue", $"The filter '{name}' is invalid (the emulator knows tag:<key>, tag-key and instance-state-name)");
            }
            filters.Add((name, values));
        }
        return filters;
    }

    private static bool Passes(Ec2Instance instance, string filter, string value) => filter switch
    {
        "instance-state-name" => Ec2Store.Matches(value, instance.State),
        "tag-key" => instance.Tags.Keys.Any(k => Ec2Store.Matches(value, k)),
        _ => instance.Tags.TryGetValue(filter["tag:".Length..], out var tag) && Ec2Store.Matches(value, tag),
    };

    private static List<string> InstanceIds(IReadOnlyDictionary<string, string> parameters, bool required)
    {
        var ids = new List<string>();
        for (var n = 1; parameters.TryGetValue($"InstanceId.{n}", out var id); n++)
        {
            ids.Add(id);
        }
        return ids.Count == 0 && required ? throw Ec2Errors.MissingParameter("InstanceId") : ids;
    }
}
