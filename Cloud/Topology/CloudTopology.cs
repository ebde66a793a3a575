namespace FaceRecognition.Cloud.Topology;

/// <summary>
/// The buckets, queues and notifications a deployment needs, described once. The AppHost provisions it on whichever
/// cloud answers (the embedded emulator, a container, AWS) with <see cref="TopologyProvisioner"/>; <c>deploy/</c> renders the same description for AWS.
/// </summary>
public sealed record CloudTopology(
    IReadOnlyList<BucketSpec> Buckets,
    IReadOnlyList<QueueSpec> Queues,
    IReadOnlyList<NotificationSpec> Notifications)
{
    public static CloudTopology Empty { get; } = new([], [], []);

    public CloudTopology WithBucket(string name) => this with { Buckets = [.. Buckets, new BucketSpec(name)] };

    public CloudTopology WithQueue(QueueSpec queue) => this with { Queues = [.. Queues, queue] };

    public CloudTopology WithNotification(NotificationSpec notification) => this with { Notifications = [.. Notifications, notification] };
}

public sealed record BucketSpec(string Name);

/// <param name="Attributes">SQS queue attributes as AWS names them (VisibilityTimeout, MaximumMessageSize, …).</param>
/// <param name="DeadLetter">Where messages go after too many receives; that queue is provisioned first.</param>
public sealed record QueueSpec(string Name, IReadOnlyDictionary<string, string> Attributes, DeadLetterSpec? DeadLetter = null);

public sealed record DeadLetterSpec(string QueueName, int MaxReceiveCount);

/// <summary>Objects created in (or removed from) <paramref name="Bucket"/> whose keys match the filters are announced on
/// <paramref name="Queue"/> as standard S3 event messages.</summary>
public sealed record NotificationSpec(string Id, string Bucket, string Queue, IReadOnlyList<string> Events, string? Prefix = null, string? Suffix = null);
