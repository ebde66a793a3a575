using System.Net;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using Amazon.SQS.Model;
using FaceRecognition.Emulator.Tests.Support;
using FaceRecognition.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

/// <summary>Asynchronous invocations, as Lambda runs them: Invoke with InvocationType Event, and S3 notifications that
/// target a function directly (allowed by its resource policy); retried when they fail, then sent to the function's
/// dead-letter queue with Lambda's attributes.</summary>
public sealed class LambdaAsyncTests(LambdaFixture emulator) : IClassFixture<LambdaFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _name = Names.Unique("fn");

    [Fact]
    public async Task An_event_invocation_is_accepted_at_once_and_runs_soon_after()
    {
        (await emulator.Lambda.CreateFunctionAsync(_name, TestFunctionPackage.Zip(), cancellationToken: _ct)).EnsureSuccess();

        var accepted = await emulator.Lambda.InvokeAsync(_name, new JsonObject { ["echo"] = "later" }, type: "Event", cancellationToken: _ct);

        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        Assert.Empty(accepted.Body);
        var requestId = accepted.Headers["x-amzn-RequestId"];
        await Eventually.Until(async () => (await emulator.Lambda.LogAsync(_name, _ct)).Contains($"handling {requestId}"), s_timeout, "the event to be handled");
    }

    [Fact]
    public async Task A_failing_event_is_retried_twice_then_dead_lettered_with_Lambdas_attributes()
    {
        var deadLetters = await Queue();
        (await emulator.Lambda.SendAsync(HttpMethod.Post, "2015-03-31/functions", Create(_name, deadLetters.Arn), cancellationToken: _ct)).EnsureSuccess();

        var accepted = await emulator.Lambda.InvokeAsync(_name, new JsonObject { ["fail"] = "always" }, type: "Event", cancellationToken: _ct);

        var letter = await ReceiveOne(deadLetters.Url);
        Assert.Equal(accepted.Headers["x-amzn-RequestId"], letter.MessageAttributes["RequestID"].StringValue);
        Assert.Equal("200", letter.MessageAttributes["ErrorCode"].StringValue);
        Assert.Equal("always", letter.MessageAttributes["ErrorMessage"].StringValue);
        Assert.Equal("always", (string?)JsonNode.Parse(letter.Body)!["fail"]);
        var handled = (await emulator.Lambda.LogAsync(_name, _ct)).Count(l => l.StartsWith("handling ", StringComparison.Ordinal));
        Assert.Equal(3, handled);
    }

    [Fact]
    public async Task With_no_retries_configured_a_failing_event_goes_to_the_dead_letter_queue_after_one_attempt()
    {
        var deadLetters = await Queue();
        (await emulator.Lambda.SendAsync(HttpMethod.Post, "2015-03-31/functions", Create(_name, deadLetters.Arn), cancellationToken: _ct)).EnsureSuccess();
        (await emulator.Lambda.SendAsync(HttpMethod.Put, $"2019-09-25/functions/{_name}/event-invoke-config", new JsonObject { ["MaximumRetryAttempts"] = 0 },
            cancellationToken: _ct)).EnsureSuccess();

        await emulator.Lambda.InvokeAsync(_name, new JsonObject { ["fail"] = "once" }, type: "Event", cancellationToken: _ct);

        await ReceiveOne(deadLetters.Url);
        Assert.Equal(1, (await emulator.Lambda.LogAsync(_name, _ct)).Count(l => l.StartsWith("handling ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_bucket_notifies_a_function_only_once_its_policy_lets_S3_invoke_it_and_each_new_object_invokes_it()
    {
        var deadLetters = await Queue();
        (await emulator.Lambda.SendAsync(HttpMethod.Post, "2015-03-31/functions", Create(_name, deadLetters.Arn), cancellationToken: _ct)).EnsureSuccess();
        var bucket = Names.Unique("notify");
        await emulator.S3.PutBucketAsync(bucket, _ct);
        var functionArn = $"arn:aws:lambda:us-east-1:000000000000:function:{_name}";
        var configuration = new PutBucketNotificationRequest
        {
            BucketName = bucket,
            LambdaFunctionConfigurations =
            [
                new LambdaFunctionConfiguration
                {
                    FunctionArn = functionArn,
                    Events = [Amazon.S3.EventType.ObjectCreatedAll],
                    Filter = new Filter { S3KeyFilter = new S3KeyFilter { FilterRules = [new FilterRule("suffix", ".jpg")] } },
                },
            ],
        };

        var refused = await Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() => emulator.S3.PutBucketNotificationAsync(configuration, _ct));
        (await emulator.Lambda.SendAsync(HttpMethod.Post, $"2015-03-31/functions/{_name}/policy", new JsonObject
        {
            ["StatementId"] = "s3",
            ["Action"] = "lambda:InvokeFunction",
            ["Principal"] = "s3.amazonaws.com",
            ["SourceArn"] = $"arn:aws:s3:::{bucket}",
        }, cancellationToken: _ct)).EnsureSuccess();
        await emulator.S3.PutBucketNotificationAsync(configuration, _ct);
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "frames/a b.jpg", ContentBody = "x" }, _ct);
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "notes.txt", ContentBody = "x" }, _ct);
        await emulator.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "fail.jpg", ContentBody = "x" }, _ct);

        Assert.Equal("InvalidArgument", refused.ErrorCode);
        Assert.Contains("Unable to validate the following destination configurations", refused.Message, StringComparison.Ordinal);
        await Eventually.Until(async () => (await emulator.Lambda.LogAsync(_name, _ct)).Contains("s3 object frames/a+b.jpg"), s_timeout, "the function to get the event");
        var read = await emulator.S3.GetBucketNotificationAsync(bucket, _ct);
        Assert.Equal(functionArn, Assert.Single(read.LambdaFunctionConfigurations).FunctionArn);
        // The failing object ends in the function's dead-letter queue after Lambda's retries, with the S3 event as its body.
        var letter = await ReceiveOne(deadLetters.Url);
        Assert.Contains("fail.jpg", letter.Body, StringComparison.Ordinal);
        Assert.Equal("cannot handle fail.jpg", letter.MessageAttributes["ErrorMessage"].StringValue);
        Assert.DoesNotContain(await emulator.Lambda.LogAsync(_name, _ct), l => l.Contains("notes.txt", StringComparison.Ordinal));
    }

    private static JsonObject Create(string name, string deadLetterArn) => new()
    {
        ["FunctionName"] = name,
        ["Runtime"] = "provided.al2023",
        ["Role"] = "arn:aws:iam::000000000000:role/test",
        ["Handler"] = "bootstrap",
        ["Code"] = new JsonObject { ["ZipFile"] = Convert.ToBase64String(TestFunctionPackage.Zip()) },
        ["DeadLetterConfig"] = new JsonObject { ["TargetArn"] = deadLetterArn },
    };

    private async Task<(string Url, string Arn)> Queue()
    {
        var url = (await emulator.Sqs.CreateQueueAsync(Names.Unique("dlq"), _ct)).QueueUrl;
        return (url, (await emulator.Sqs.GetQueueAttributesAsync(url, ["QueueArn"], _ct)).QueueARN);
    }

    private async Task<Message> ReceiveOne(string url)
    {
        Message? message = null;
        await Eventually.Until(async () =>
        {
            var received = await emulator.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MessageAttributeNames = ["All"], WaitTimeSeconds = 1 }, _ct);
            message = received.Messages?.FirstOrDefault();
            return message is not null;
        }, s_timeout, "a dead letter");
        return message!;
    }
}
