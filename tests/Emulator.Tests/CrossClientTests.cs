using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using Amazon.SQS.Model;
using FaceRecognition.Emulator.Tests.Support;
using FaceRecognition.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

/// <summary>Clients other than the AWS SDK for .NET: boto3 (Debian's, which speaks SQS's older query protocol, or a newer
/// one) and the AWS CLI. <c>test.sh</c> installs them; where none is present the tests say so and are skipped.</summary>
public sealed class CrossClientTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Boto3RoundTripsObjectsMultipartAndMessagesWithTheDotnetSdk()
    {
        var python = ExternalTools.PythonWithBoto3OrSkip();
        var bucket = Names.Unique("boto");
        await emulator.S3.PutBucketAsync(bucket, _ct);
        var queue = (await emulator.Sqs.CreateQueueAsync(Names.Unique("boto"), _ct)).QueueUrl;
        var fromDotnet = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
        var put = new PutObjectRequest { BucketName = bucket, Key = "from-dotnet.bin", InputStream = new MemoryStream(fromDotnet) };
        put.Metadata.Add("sha256", Convert.ToHexStringLower(SHA256.HashData(fromDotnet)));
        await emulator.S3.PutObjectAsync(put, _ct);
        await emulator.Sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = queue,
            MessageBody = "from dotnet éö",
            MessageAttributes = new Dictionary<string, MessageAttributeValue> { ["origin"] = new() { DataType = "String", StringValue = "dotnet" } },
        }, _ct);

        var (exitCode, output) = await Run(python, Path.Combine(AppContext.BaseDirectory, "Scripts", "cross_client.py"),
            emulator.ServiceUrl, EmulatorFixture.AccessKey, EmulatorFixture.SecretKey, bucket, queue);
        Assert.True(exitCode == 0, $"boto3 script failed ({exitCode}):\n{output}");
        var results = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal(64 * 1024 * 1024, results.GetProperty("multipart_bytes").GetInt32());

        // What boto3 wrote, read by the .NET SDK.
        foreach (var key in new[] { "boto/small.bin", "boto/20mb.bin", "boto/64mb.bin" })
        {
            using var get = await emulator.S3.GetObjectAsync(bucket, key, _ct);
            var bytes = await S3ObjectTests.ReadAll(get.ResponseStream);
            Assert.Equal(get.Metadata["sha256"], Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
        var bodies = new List<Message>();
        while ((await emulator.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queue, MaxNumberOfMessages = 10, MessageAttributeNames = ["All"] }, _ct)).Messages is { Count: > 0 } messages)
        {
            bodies.AddRange(messages);
        }
        Assert.Equal(6, bodies.Count);
        var single = Assert.Single(bodies, m => m.Body == "from boto3 日本");
        Assert.Equal([0, 1, 2], single.MessageAttributes["bytes"].BinaryValue.ToArray());
    }

    [Fact]
    public async Task TheAwsCliListsCopiesAndReadsBack()
    {
        var aws = ExternalTools.AwsCliOrSkip();
        var bucket = Names.Unique("cli");
        await emulator.S3.PutBucketAsync(bucket, _ct);
        using var folder = new TestDirectory("cli");
        var file = Path.Combine(folder.Path, "upload.txt");
        await File.WriteAllTextAsync(file, "uploaded by the aws cli", _ct);

        var (copied, copyOutput) = await Run(aws, "--endpoint-url", emulator.ServiceUrl, "s3", "cp", file, $"s3://{bucket}/cli/upload.txt");
        Assert.True(copied == 0, copyOutput);
        var (listed, listing) = await Run(aws, "--endpoint-url", emulator.ServiceUrl, "s3", "ls", $"s3://{bucket}/cli/");
        Assert.True(listed == 0, listing);
        Assert.Contains("upload.txt", listing, StringComparison.Ordinal);
        var (buckets, bucketListing) = await Run(aws, "--endpoint-url", emulator.ServiceUrl, "s3", "ls");
        Assert.True(buckets == 0, bucketListing);
        Assert.Contains(bucket, bucketListing, StringComparison.Ordinal);

        using var get = await emulator.S3.GetObjectAsync(bucket, "cli/upload.txt", _ct);
        Assert.Equal("uploaded by the aws cli", Encoding.UTF8.GetString(await S3ObjectTests.ReadAll(get.ResponseStream)));
    }

    private Task<(int ExitCode, string Output)> Run(string program, params string[] arguments) =>
        ExternalTools.RunAsync(program, EmulatorFixture.AccessKey, EmulatorFixture.SecretKey, arguments, _ct);
}
