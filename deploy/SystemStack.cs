using Amazon.CDK;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.SQS;
using Constructs;
using FaceRecognition.Cloud.Topology;

namespace FaceRecognition.Deploy;

/// <summary>
/// The whole system on AWS, rendered from the same <see cref="CloudTopology"/> the local provisioning creates, so that
/// the two cannot drift: every bucket, queue (with its dead-letter queue), notification, function and event source
/// mapping of the topology, each construct named after its resource (the name without the prefix).
/// </summary>
internal sealed class SystemStack : Stack
{
    public SystemStack(Construct scope, string id, IStackProps props, CloudTopology topology, TopologyNames names, DeploySettings settings)
        : base(scope, id, props)
    {
        var buckets = new Dictionary<string, Bucket>(StringComparer.Ordinal);
        foreach (var bucket in topology.Buckets)
        {
            buckets[bucket.Name] = Buckets.Create(this, Local(names, bucket.Name), bucket.Name,
                bucket.Name == names.FramesBucket ? settings.FramesExpirationDays : null);
        }

        // Dead-letter queues first: the queues name them.
        var queues = new Dictionary<string, Queue>(StringComparer.Ordinal);
        foreach (var queue in topology.Queues.OrderBy(q => q.DeadLetter is null ? 0 : 1))
        {
            queues[queue.Name] = Queues.Create(this, Local(names, queue.Name), queue, queues);
        }

        foreach (var group in topology.Notifications.GroupBy(n => n.Bucket))
        {
            var bucket = buckets[group.Key];
            var configurations = new List<CfnBucket.QueueConfigurationProperty>();
            foreach (var notification in group)
            {
                var queue = queues[notification.Queue];
                Queues.AllowNotifications(queue, notification.Queue, group.Key);
                // S3 checks, when the configuration is set, that it may send to the queue: the policy comes first.
                bucket.Node.AddDependency(queue);
                configurations.AddRange(notification.Events.Select(e => new CfnBucket.QueueConfigurationProperty
                {
                    Event = e,
                    Queue = queue.QueueArn,
                    Filter = Filter(notification),
                }));
            }
            // The notification configuration is CloudFormation's own (no custom resource, no extra role).
            ((CfnBucket)bucket.Node.DefaultChild!).NotificationConfiguration = new CfnBucket.NotificationConfigurationProperty
            {
                QueueConfigurations = configurations.ToArray(),
            };
        }

        foreach (var function in topology.Functions)
        {
            var source = topology.EventSources.Single(e => e.Function == function.Name);
            Functions.Create(this, function, source, queues[source.Queue], names, settings);
        }

        Tiers.Create(this, names, settings);

        foreach (var bucket in topology.Buckets)
        {
            _ = new CfnOutput(this, Local(names, bucket.Name) + "-name", new CfnOutputProps { Value = bucket.Name, Description = "Bucket" });
        }
    }

    /// <summary>A resource's construct id: its name without the prefix (the same in every deployment).</summary>
    private static string Local(TopologyNames names, string name) => name[(names.Prefix.Length + 1)..];

    private static CfnBucket.NotificationFilterProperty? Filter(NotificationSpec notification)
    {
        var rules = new List<CfnBucket.FilterRuleProperty>();
        if (notification.Prefix is { } prefix) rules.Add(new CfnBucket.FilterRuleProperty { Name = "prefix", Value = prefix });
        if (notification.Suffix is { } suffix) rules.Add(new CfnBucket.FilterRuleProperty { Name = "suffix", Value = suffix });
        return rules.Count == 0 ? null : new CfnBucket.NotificationFilterProperty { S3Key = new CfnBucket.S3KeyFilterProperty { Rules = rules.ToArray() } };
    }
}
