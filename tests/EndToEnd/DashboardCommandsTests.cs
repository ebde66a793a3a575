using Amazon.S3.Model;
using Amazon.SQS.Model;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using FaceRecognition.AppHost.Cloud;
using FaceRecognition.Cloud.Messaging;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>The dashboard's commands on the cloud, run as the dashboard runs them (ResourceCommandService).</summary>
public sealed class DashboardCommandsTests
{
    private static readonly TopologyNames s_names = new(TopologyNames.DefaultPrefix);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dead_letters_redriven_from_the_dashboard_are_answered_a_purge_empties_a_queue_and_provisioning_again_brings_back_a_deleted_bucket()
    {
        await using var run = await AppHostRun.StartAsync(Directory.CreateTempSubdirectory("facerec-e2e-commands-").FullName, _ct);
        await run.WebTierHealthy(_ct);
        var commands = run.App.Services.GetRequiredService<ResourceCommandService>();
        using var sqs = run.Sqs();
        using var s3 = run.S3();

        // Three requests that ended in the dead-letter queue come back to the request queue and are answered.
        var replies = (await sqs.CreateQueueAsync(s_names.ReplyQueueFor("dashboard-test"), _ct)).QueueUrl;
        var deadLetters = (await sqs.GetQueueUrlAsync(s_names.RequestDeadLetterQueue, _ct)).QueueUrl;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = s_names.InputBucket, Key = "redriven/picture.jpg", FilePath = TestFiles.FaceApiDemo("sample1.jpg") }, _ct);
        string[] ids = ["redriven-1", "redriven-2", "redriven-3"];
        foreach (var id in ids)
        {
            await sqs.SendMessageAsync(deadLetters, RecognitionMessages.Serialize(
                new RecognitionRequest(RecognitionRequest.Version, id, s_names.InputBucket, "redriven/picture.jpg", s_names.ReplyQueueFor("dashboard-test"), RecognitionMode.Model)), _ct);
        }
        var redrive = await commands.ExecuteCommandAsync(CloudExtensions.ProvisioningName, CloudCommands.RedriveDeadLetters, Queue(s_names.RequestDeadLetterQueue), _ct);
        Assert.True(redrive.Success, redrive.Message);
        Assert.Equal($"Moved 3 message(s) from {s_names.RequestDeadLetterQueue} back to {s_names.RequestQueue}.", redrive.Message);
        var answered = new Dictionary<string, string?>();
        await Eventually.Until(async () =>
        {
            foreach (var message in (await sqs.ReceiveMessageAsync(new ReceiveMessageRequest(replies) { MaxNumberOfMessages = 10, WaitTimeSeconds = 1 }, _ct)).Messages ?? [])
            {
                var reply = RecognitionMessages.ParseReply(message.Body);
                answered[reply.Id] = reply.Name;
            }
            return answered.Count == ids.Length;
        }, TimeSpan.FromMinutes(2), "the redriven requests answered");
        Assert.All(ids, id => Assert.Equal("Unknown", answered[id]));

        // A purge empties the queue it names; a name outside the topology's choices is refused.
        for (var i = 0; i < 5; i++)
        {
            await sqs.SendMessageAsync(deadLetters, $"junk {i}", _ct);
        }
        var purge = await commands.ExecuteCommandAsync(CloudExtensions.ProvisioningName, CloudCommands.PurgeQueue, Queue(s_names.RequestDeadLetterQueue), _ct);
        Assert.True(purge.Success, purge.Message);
        Assert.Equal($"Purged {s_names.RequestDeadLetterQueue}: 5 message(s) were waiting.", purge.Message);
        Assert.Equal(0, (await sqs.GetQueueAttributesAsync(deadLetters, ["ApproximateNumberOfMessages"], _ct)).ApproximateNumberOfMessages);
        var refused = await commands.ExecuteCommandAsync(CloudExtensions.ProvisioningName, CloudCommands.PurgeQueue, Queue("somebody-elses-queue"), _ct);
        Assert.False(refused.Success);
        Assert.False(string.IsNullOrEmpty(refused.Message));

        // A deleted bucket is back after provisioning again.
        await s3.DeleteBucketAsync(s_names.FramesBucket, _ct);
        var reprovision = await commands.ExecuteCommandAsync(CloudExtensions.ProvisioningName, CloudCommands.Reprovision, _ct);
        Assert.True(reprovision.Success, reprovision.Message);
        Assert.Contains(s_names.FramesBucket, ((await s3.ListBucketsAsync(_ct)).Buckets ?? []).Select(b => b.BucketName));
    }

    private static InteractionInputCollection Queue(string name) =>
        new([new InteractionInput { Name = CloudCommands.QueueArgument, InputType = InputType.Text, Value = name }]);
}
