using Amazon.SQS;
using Amazon.SQS.Model;
using FaceRecognition.Cloud.Topology;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.AppHost.Cloud;

/// <summary>
/// What the dashboard can do to the cloud, as commands of the provisioning resource: purge a queue, move a dead-letter
/// queue's messages back to the queue they came from, and provision again (bringing back a deleted bucket or queue).
/// They act with the administrator's keys, through the same APIs any AWS client uses.
/// </summary>
internal static class CloudCommands
{
    public const string PurgeQueue = "purge-queue";
    public const string RedriveDeadLetters = "redrive-dead-letters";
    public const string Reprovision = "reprovision";
    public const string QueueArgument = "queue";

    public static void AddCloudCommands(this IResourceBuilder<CloudProvisioningResource> provisioning, CloudResource cloud, CloudTopology topology)
    {
        var deadLetters = topology.Queues.Where(q => q.DeadLetter is not null).ToDictionary(q => q.DeadLetter!.QueueName, q => q.Name, StringComparer.Ordinal);

        provisioning.WithCommand(PurgeQueue, "Purge a queue", async context =>
        {
            var queue = context.Arguments.GetString(QueueArgument);
            if (queue is null || !topology.Queues.Any(q => q.Name == queue))
            {
                return CommandResults.Failure($"Not a queue of the topology: '{queue}'.");
            }
            using var sqs = await cloud.AdministratorSqsAsync(context.CancellationToken);
            var url = (await sqs.GetQueueUrlAsync(queue, context.CancellationToken)).QueueUrl;
            var waiting = await DepthAsync(sqs, url, context.CancellationToken);
            await sqs.PurgeQueueAsync(url, context.CancellationToken);
            context.Logger.LogInformation("Purged {Queue} ({Count} message(s) waiting)", queue, waiting);
            return CommandResults.Success($"Purged {queue}: {waiting} message(s) were waiting.");
        }, new CommandOptions
        {
            Description = "Deletes every message in one of the system's queues.",
            ConfirmationMessage = "Delete every message in the chosen queue? Requests waiting in it will get no answer.",
            IconName = "Delete",
            Arguments = [QueueChoice(topology.Queues.Select(q => q.Name))],
            UpdateState = Provisioned,
        });

        provisioning.WithCommand(RedriveDeadLetters, "Redrive a dead-letter queue", async context =>
        {
            var deadLetterQueue = context.Arguments.GetString(QueueArgument);
            if (deadLetterQueue is null || !deadLetters.TryGetValue(deadLetterQueue, out var source))
            {
                return CommandResults.Failure($"Not a dead-letter queue of the topology: '{deadLetterQueue}'.");
            }
            using var sqs = await cloud.AdministratorSqsAsync(context.CancellationToken);
            var moved = await MoveAllAsync(sqs, deadLetterQueue, source, context.CancellationToken);
            context.Logger.LogInformation("Moved {Count} message(s) from {DeadLetterQueue} back to {Queue}", moved, deadLetterQueue, source);
            return CommandResults.Success($"Moved {moved} message(s) from {deadLetterQueue} back to {source}.");
        }, new CommandOptions
        {
            Description = "Moves every message of a dead-letter queue back to the queue it came from, to be tried again.",
            IconName = "ArrowRedo",
            Arguments = [QueueChoice(deadLetters.Keys)],
            UpdateState = Provisioned,
        });

        provisioning.WithCommand(Reprovision, "Provision again", async context =>
        {
            await CloudProvisioning.ProvisionAsync(cloud, topology, context.Services, context.Logger, context.CancellationToken);
            return CommandResults.Success("Every bucket, queue, notification and function of the topology is in place.");
        }, new CommandOptions
        {
            Description = "Creates whatever of the topology is missing (a deleted bucket or queue, a function) and brings the rest back to it.",
            IconName = "ArrowSync",
            UpdateState = Provisioned,
        });
    }

    /// <summary>Moves messages (bodies and attributes) in batches of ten until the dead-letter queue answers empty; each
    /// batch is deleted only once it was sent, so a failure part-way duplicates at most one batch and loses nothing.</summary>
    internal static async Task<int> MoveAllAsync(IAmazonSQS sqs, string fromQueue, string toQueue, CancellationToken cancellationToken)
    {
        var from = (await sqs.GetQueueUrlAsync(fromQueue, cancellationToken)).QueueUrl;
        var to = (await sqs.GetQueueUrlAsync(toQueue, cancellationToken)).QueueUrl;
        var moved = 0;
        while (true)
        {
            var messages = (await sqs.ReceiveMessageAsync(new ReceiveMessageRequest(from)
            {
                MaxNumberOfMessages = 10,
                WaitTimeSeconds = 1,
                VisibilityTimeout = 60,
                MessageAttributeNames = ["All"],
            }, cancellationToken)).Messages ?? [];
            if (messages.Count == 0)
            {
                return moved;
            }
            var sent = await sqs.SendMessageBatchAsync(to, [.. messages.Select((m, i) => new SendMessageBatchRequestEntry(Entry(i), m.Body)
            {
                MessageAttributes = m.MessageAttributes,
            })], cancellationToken);
            if (sent.Failed is { Count: > 0 } failed)
            {
                throw new InvalidOperationException($"Could not send to {toQueue}: {failed[0].Code} {failed[0].Message}");
            }
            await sqs.DeleteMessageBatchAsync(from, [.. messages.Select((m, i) => new DeleteMessageBatchRequestEntry(Entry(i), m.ReceiptHandle))], cancellationToken);
            moved += messages.Count;
        }
    }

    private static string Entry(int index) => index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static InteractionInput QueueChoice(IEnumerable<string> queues) => new()
    {
        Name = QueueArgument,
        Label = "Queue",
        InputType = InputType.Choice,
        Required = true,
        Options = [.. queues.Select(q => KeyValuePair.Create(q, q))],
    };

    private static ResourceCommandState Provisioned(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.State?.Text == KnownResourceStates.Finished ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    private static async Task<int> DepthAsync(IAmazonSQS sqs, string url, CancellationToken cancellationToken)
    {
        var attributes = await sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"], cancellationToken);
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
    }
}
