using System.Globalization;
using Amazon.CDK;
using Amazon.CDK.AWS.SQS;
using Constructs;
using FaceRecognition.Cloud.Topology;

namespace FaceRecognition.Deploy;

/// <summary>The topology's queues on AWS, with their attributes and dead-letter queues, encrypted (SSE-SQS) and
/// reachable only over TLS; and the queue policies that let exactly the notifying buckets send to them.</summary>
internal static class Queues
{
    public static Queue Create(Construct scope, string id, QueueSpec spec, IReadOnlyDictionary<string, Queue> created)
    {
        var props = new QueueProps
        {
            QueueName = spec.Name,
            Encryption = QueueEncryption.SQS_MANAGED,
            EnforceSSL = true,
            RemovalPolicy = RemovalPolicy.DESTROY,
            DeadLetterQueue = spec.DeadLetter is { } deadLetter
                ? new DeadLetterQueue { Queue = created[deadLetter.QueueName], MaxReceiveCount = deadLetter.MaxReceiveCount }
                : null,
        };
        foreach (var (attribute, value) in spec.Attributes)
        {
            var number = int.Parse(value, CultureInfo.InvariantCulture);
            switch (attribute)
            {
                case "VisibilityTimeout": props.VisibilityTimeout = Duration.Seconds(number); break;
                case "MaximumMessageSize": props.MaxMessageSizeBytes = number; break;
                case "MessageRetentionPeriod": props.RetentionPeriod = Duration.Seconds(number); break;
                case "ReceiveMessageWaitTimeSeconds": props.ReceiveMessageWaitTime = Duration.Seconds(number); break;
                case "DelaySeconds": props.DeliveryDelay = Duration.Seconds(number); break;
                default: throw new InvalidOperationException($"Queue {spec.Name}: the attribute {attribute} has no CloudFormation rendering here; add it to {nameof(Queues)}.");
            }
        }
        return new Queue(scope, id, props);
    }

    /// <summary>S3 may send <paramref name="bucketName"/>'s notifications to <paramref name="queue"/>, and nothing else may
    /// (the statement local provisioning sets, Cloud/Topology/QueuePolicy). The bucket's ARN is written from its name: the bucket
    /// depends on this policy (S3 checks it when the notification is set), so the policy cannot refer to the bucket resource.</summary>
    public static void AllowNotifications(Queue queue, string queueName, string bucketName) =>
        queue.AddToResourcePolicy(Statements.ToCdk(Cloud.Topology.QueuePolicy.AllowNotifications(queueName, bucketName)));
}
