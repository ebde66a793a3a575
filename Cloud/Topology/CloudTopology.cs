namespace FaceRecognition.Cloud.Topology;

/// <summary>
/// The buckets, queues, notifications, functions and event source mappings a deployment needs, described once. The
/// AppHost provisions it on whichever cloud answers (the embedded emulator, a container, AWS) with
/// <see cref="TopologyProvisioner"/>; <c>deploy/</c> renders the same description for AWS.
/// </summary>
public sealed record CloudTopology(
    IReadOnlyList<BucketSpec> Buckets,
    IReadOnlyList<QueueSpec> Queues,
    IReadOnlyList<NotificationSpec> Notifications,
    IReadOnlyList<FunctionSpec> Functions,
    IReadOnlyList<EventSourceSpec> EventSources)
{
    public static CloudTopology Empty { get; } = new([], [], [], [], []);

    public CloudTopology WithBucket(string name) => this with { Buckets = [.. Buckets, new BucketSpec(name)] };

    public CloudTopology WithQueue(QueueSpec queue) => this with { Queues = [.. Queues, queue] };

    public CloudTopology WithNotification(NotificationSpec notification) => this with { Notifications = [.. Notifications, notification] };

    public CloudTopology WithFunction(FunctionSpec function) => this with { Functions = [.. Functions, function] };

    public CloudTopology WithEventSource(EventSourceSpec source) => this with { EventSources = [.. EventSources, source] };

    /// <summary>The topology with <paramref name="change"/> applied to one function (its settings, its variables).</summary>
    public CloudTopology WithFunctionChanged(string name, Func<FunctionSpec, FunctionSpec> change) =>
        this with { Functions = [.. Functions.Select(f => f.Name == name ? change(f) : f)] };

    /// <summary>The topology with <paramref name="change"/> applied to one function's event source.</summary>
    public CloudTopology WithEventSourceChanged(string function, Func<EventSourceSpec, EventSourceSpec> change) =>
        this with { EventSources = [.. EventSources.Select(e => e.Function == function ? change(e) : e)] };
}

public sealed record BucketSpec(string Name);

/// <param name="Attributes">SQS queue attributes as AWS names them (VisibilityTimeout, MaximumMessageSize, …).</param>
/// <param name="DeadLetter">Where messages go after too many receives; that queue is provisioned first.</param>
public sealed record QueueSpec(string Name, IReadOnlyDictionary<string, string> Attributes, DeadLetterSpec? DeadLetter = null);

public sealed record DeadLetterSpec(string QueueName, int MaxReceiveCount);

/// <summary>Objects created in (or removed from) <paramref name="Bucket"/> whose keys match the filters are announced on
/// <paramref name="Queue"/> as standard S3 event messages.</summary>
public sealed record NotificationSpec(string Id, string Bucket, string Queue, IReadOnlyList<string> Events, string? Prefix = null, string? Suffix = null);

/// <summary>A Lambda function, deployed from its package (the deployment package of the same name).</summary>
/// <param name="ReservedConcurrency">Invocations at once, at most (also what an event source mapping may use).</param>
/// <param name="Environment">Its variables: the system's settings it reads (the name prefix, its own section).</param>
public sealed record FunctionSpec(string Name, string Description, int TimeoutSeconds, int MemoryMb, int? ReservedConcurrency,
    IReadOnlyDictionary<string, string> Environment)
{
    public const string Runtime = "provided.al2023";

    /// <summary>An OS-only runtime starts the package's bootstrap; the handler is for people reading the configuration.</summary>
    public const string Handler = "bootstrap";
}

/// <summary>An event source mapping: <paramref name="Queue"/> feeds <paramref name="Function"/> in batches of up to
/// <paramref name="BatchSize"/>, with up to <paramref name="MaximumConcurrency"/> batches at once; the function names
/// the records to retry (ReportBatchItemFailures).</summary>
public sealed record EventSourceSpec(string Function, string Queue, int BatchSize, int? MaximumConcurrency);
