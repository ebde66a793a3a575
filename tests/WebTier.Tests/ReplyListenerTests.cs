using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FaceRecognition.WebTier.Tests;

/// <summary>Where a web tier's replies come, against the emulator's SQS: the provisioned response queue by default, or
/// a queue of the instance's own that it deletes at stop and creates again if it disappears meanwhile.</summary>
public sealed class ReplyListenerTests(EmulatorClients clients) : IClassFixture<EmulatorClients>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);
    private readonly TopologyNames _names = new($"reply-{Guid.NewGuid():N}"[..20]);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_an_instance_id_replies_come_on_the_provisioned_response_queue_which_outlives_the_listener()
    {
        var provisioned = (await clients.Sqs.CreateQueueAsync(_names.ResponseQueue, Cancellation)).QueueUrl;
        var listener = Listener(instanceId: "");
        await listener.StartAsync(Cancellation);

        Assert.Equal(_names.ResponseQueue, listener.QueueName);
        Assert.Equal("one:Ada", await ReplyThrough(listener, provisioned, "one"));
        await listener.StopAsync(Cancellation);
        Assert.Equal(provisioned, (await clients.Sqs.GetQueueUrlAsync(_names.ResponseQueue, Cancellation)).QueueUrl);
    }

    [Fact]
    public async Task An_instances_own_queue_is_created_again_when_it_disappears_and_deleted_at_stop()
    {
        var listener = Listener(instanceId: "web-tier-2");
        await listener.StartAsync(Cancellation);
        var own = await listener.Ready;
        Assert.Equal(_names.ReplyQueueFor("web-tier-2"), listener.QueueName);

        await clients.Sqs.DeleteQueueAsync(own, Cancellation);
        await Eventually.Until(async () => await clients.QueueExistsAsync(listener.QueueName, Cancellation), s_timeout, "the reply queue created again");
        Assert.Equal("two:Ada", await ReplyThrough(listener, own, "two"));

        await listener.StopAsync(Cancellation);
        Assert.False(await clients.QueueExistsAsync(listener.QueueName, Cancellation));
    }

    private ReplyListener Listener(string instanceId) =>
        new(clients.Sqs, new QueueConsumer(clients.Sqs, new SqsBatcher(clients.Sqs), new DeadLetterRule(clients.Sqs, NullLogger<DeadLetterRule>.Instance),
            NullLogger<QueueConsumer>.Instance), _names, Options.Create(new WebTierOptions { InstanceId = instanceId }), NullLogger<ReplyListener>.Instance);

    private async Task<string> ReplyThrough(ReplyListener listener, string queueUrl, string id)
    {
        using var pending = listener.Expect(id);
        await clients.Sqs.SendMessageAsync(queueUrl, RecognitionMessages.Serialize(
            new RecognitionReply(RecognitionRequest.Version, id, "Ada", "Match", [], null, null)), Cancellation);
        var reply = await pending.Reply.WaitAsync(s_timeout, Cancellation);
        return $"{reply.Id}:{reply.Name}";
    }
}
