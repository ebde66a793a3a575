using System.Globalization;
using System.Text.Json.Nodes;
using static FaceRecognition.Deploy.Tests.TemplateValues;

namespace FaceRecognition.Deploy.Tests;

/// <summary>The deployed topology is the local one: every bucket, queue, dead-letter queue, notification, function and
/// event source mapping of <c>SystemTopology</c> is in the template with the same attributes, and nothing else is.</summary>
public sealed class TopologyParityTests(SynthesizedStack stack)
{
    private static readonly Dictionary<string, string> s_queueProperties = new(StringComparer.Ordinal)
    {
        ["VisibilityTimeout"] = "VisibilityTimeout",
        ["MaximumMessageSize"] = "MaximumMessageSize",
        ["MessageRetentionPeriod"] = "MessageRetentionPeriod",
    };

    [Fact]
    public void Every_bucket_is_deployed_and_no_other()
    {
        Assert.Equal(stack.Topology.Buckets.Select(b => b.Name).Order(StringComparer.Ordinal),
            stack.OfType("AWS::S3::Bucket").Select(b => (string)b.Properties["BucketName"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_queue_is_deployed_with_its_attributes_and_dead_letter_queue_and_no_other()
    {
        var deployed = stack.OfType("AWS::SQS::Queue").ToDictionary(q => q.Id, q => q.Properties);
        Assert.Equal(stack.Topology.Queues.Count, deployed.Count);
        foreach (var spec in stack.Topology.Queues)
        {
            var queue = deployed.Values.Single(q => (string?)q["QueueName"] == spec.Name);
            foreach (var (attribute, value) in spec.Attributes)
            {
                Assert.True(s_queueProperties.TryGetValue(attribute, out var property), $"{spec.Name}: no known property for {attribute}");
                Assert.Equal(value, queue[property]!.ToString());
            }
            if (spec.DeadLetter is { } deadLetter)
            {
                var redrive = queue["RedrivePolicy"]!;
                Assert.Equal(deadLetter.QueueName, (string?)deployed[Target(redrive["deadLetterTargetArn"])]["QueueName"]);
                Assert.Equal(deadLetter.MaxReceiveCount, (int)redrive["maxReceiveCount"]!);
            }
            else
            {
                Assert.Null(queue["RedrivePolicy"]);
            }
        }
    }

    [Fact]
    public void Every_notification_is_deployed_with_its_events_queue_and_filter_and_no_other()
    {
        var queues = stack.OfType("AWS::SQS::Queue").ToDictionary(q => q.Id, q => (string)q.Properties["QueueName"]!);
        var deployed = stack.OfType("AWS::S3::Bucket")
            .SelectMany(b => (b.Properties["NotificationConfiguration"]?["QueueConfigurations"]?.AsArray() ?? []).Select(c => Describe(
                (string)b.Properties["BucketName"]!, (string)c!["Event"]!, queues[Target(c["Queue"])], c["Filter"])))
            .Order(StringComparer.Ordinal);
        var local = stack.Topology.Notifications
            .SelectMany(n => n.Events.Select(e => $"{n.Bucket} {e} -> {n.Queue} prefix={n.Prefix} suffix={n.Suffix}"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(local, deployed);
    }

    [Fact]
    public void Every_function_is_deployed_with_its_settings_and_no_other()
    {
        var deployed = stack.OfType("AWS::Lambda::Function").Select(f => f.Properties).ToList();
        Assert.Equal(stack.Topology.Functions.Count, deployed.Count);
        foreach (var spec in stack.Topology.Functions)
        {
            var function = deployed.Single(f => (string?)f["FunctionName"] == spec.Name);
            Assert.Equal(("provided.al2023", "bootstrap", "x86_64"), ((string?)function["Runtime"], (string?)function["Handler"], (string?)function["Architectures"]![0]));
            Assert.Equal(spec.TimeoutSeconds, (int)function["Timeout"]!);
            Assert.Equal(spec.MemoryMb, (int)function["MemorySize"]!);
            Assert.Equal(spec.ReservedConcurrency, (int?)function["ReservedConcurrentExecutions"]);
            Assert.Equal(spec.Environment.OrderBy(v => v.Key), function["Environment"]!["Variables"]!.AsObject().Select(v => KeyValuePair.Create(v.Key, (string)v.Value!)).OrderBy(v => v.Key));
        }
    }

    [Fact]
    public void Every_event_source_mapping_is_deployed_with_its_batching_and_concurrency_and_no_other()
    {
        var functions = stack.OfType("AWS::Lambda::Function").ToDictionary(f => f.Id, f => (string)f.Properties["FunctionName"]!);
        var queues = stack.OfType("AWS::SQS::Queue").ToDictionary(q => q.Id, q => (string)q.Properties["QueueName"]!);
        var deployed = stack.OfType("AWS::Lambda::EventSourceMapping").Select(m => m.Properties).ToList();
        Assert.Equal(stack.Topology.EventSources.Count, deployed.Count);
        foreach (var spec in stack.Topology.EventSources)
        {
            var mapping = deployed.Single(m => functions[Target(m["FunctionName"])] == spec.Function);
            Assert.Equal(spec.Queue, queues[Target(mapping["EventSourceArn"])]);
            Assert.Equal(spec.BatchSize, (int)mapping["BatchSize"]!);
            Assert.Equal(spec.MaximumConcurrency, (int?)mapping["ScalingConfig"]?["MaximumConcurrency"]);
            Assert.Equal(["ReportBatchItemFailures"], mapping["FunctionResponseTypes"]!.AsArray().Select(t => (string)t!));
        }
    }

    private static string Describe(string bucket, string @event, string queue, JsonNode? filter)
    {
        var rules = filter?["S3Key"]?["Rules"]?.AsArray().ToDictionary(r => ((string)r!["Name"]!).ToLower(CultureInfo.InvariantCulture), r => (string)r!["Value"]!) ?? [];
        return $"{bucket} {@event} -> {queue} prefix={rules.GetValueOrDefault("prefix")} suffix={rules.GetValueOrDefault("suffix")}";
    }
}
