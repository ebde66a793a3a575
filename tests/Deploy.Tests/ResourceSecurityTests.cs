using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using FaceRecognition.Cloud.Topology;
using static FaceRecognition.Deploy.Tests.TemplateValues;

namespace FaceRecognition.Deploy.Tests;

/// <summary>What the deployed resources promise beyond the topology: private, encrypted, TLS-only buckets and queues;
/// frames that expire; queues that only their own buckets may notify; functions with their own roles and log groups.</summary>
public sealed class ResourceSecurityTests(SynthesizedStack stack)
{
    [Fact]
    public void Every_bucket_blocks_public_access_and_is_encrypted()
    {
        stack.Template.AllResourcesProperties("AWS::S3::Bucket", Match.ObjectLike(new Dictionary<string, object>
        {
            ["PublicAccessBlockConfiguration"] = new Dictionary<string, object>
            {
                ["BlockPublicAcls"] = true,
                ["BlockPublicPolicy"] = true,
                ["IgnorePublicAcls"] = true,
                ["RestrictPublicBuckets"] = true,
            },
            ["BucketEncryption"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["ServerSideEncryptionConfiguration"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
                {
                    ["ServerSideEncryptionByDefault"] = new Dictionary<string, object> { ["SSEAlgorithm"] = "AES256" },
                })]),
            }),
        }));
    }

    [Fact]
    public void Every_bucket_and_queue_refuses_requests_without_TLS()
    {
        foreach (var (type, policyType, target) in new[] { ("AWS::S3::Bucket", "AWS::S3::BucketPolicy", "Bucket"), ("AWS::SQS::Queue", "AWS::SQS::QueuePolicy", "Queues") })
        {
            var tlsOnly = stack.OfType(policyType)
                .Where(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray().Any(s => (string?)s!["Effect"] == "Deny"
                    && s["Condition"]?["Bool"]?["aws:SecureTransport"]?.ToString() == "false"))
                .SelectMany(p => Items(p.Properties[target]).Select(Target))
                .ToHashSet(StringComparer.Ordinal);
            Assert.All(stack.OfType(type), resource => Assert.Contains(resource.Id, tlsOnly));
        }
    }

    [Fact]
    public void Extracted_frames_expire_and_other_buckets_keep_their_objects()
    {
        foreach (var (_, bucket) in stack.OfType("AWS::S3::Bucket"))
        {
            var expiration = bucket["LifecycleConfiguration"]?["Rules"]?.AsArray().Select(r => (int?)r!["ExpirationInDays"]).FirstOrDefault(d => d is not null);
            Assert.Equal((string?)bucket["BucketName"] == stack.Names.FramesBucket ? 7 : null, expiration);
        }
    }

    [Fact]
    public void Every_queue_is_encrypted()
    {
        stack.Template.AllResourcesProperties("AWS::SQS::Queue", Match.ObjectLike(new Dictionary<string, object> { ["SqsManagedSseEnabled"] = true }));
    }

    [Fact]
    public void A_notification_queue_admits_messages_from_S3_for_its_own_bucket_only()
    {
        var queues = stack.OfType("AWS::SQS::Queue").ToDictionary(q => q.Id, q => (string)q.Properties["QueueName"]!);
        var allowed = stack.OfType("AWS::SQS::QueuePolicy")
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray()
                .Where(s => (string?)s!["Effect"] == "Allow")
                .Select(s => (Queues: Items(p.Properties["Queues"]).Select(q => queues[Target(q)]).ToList(), Statement: s!)))
            .ToList();

        Assert.Equal(stack.Topology.Notifications.Count, allowed.Count);
        foreach (var notification in stack.Topology.Notifications)
        {
            var (_, statement) = Assert.Single(allowed, a => a.Queues.SequenceEqual([notification.Queue]));
            Assert.Equal("s3.amazonaws.com", (string?)statement["Principal"]!["Service"]);
            Assert.Equal(["sqs:SendMessage"], Items(statement["Action"]).Select(Render));
            Assert.Equal($"arn:${{AWS::Partition}}:s3:::{notification.Bucket}", Render(statement["Condition"]!["ArnEquals"]!["aws:SourceArn"]));
            Assert.Equal("${AWS::AccountId}", Render(statement["Condition"]!["StringEquals"]!["aws:SourceAccount"]));
        }
    }

    [Fact]
    public void Each_function_has_its_own_role_assumable_only_by_Lambda_its_own_log_group_with_a_retention_and_active_tracing()
    {
        var roles = stack.OfType("AWS::IAM::Role").ToDictionary(r => r.Id, r => r.Properties);
        var logGroups = stack.OfType("AWS::Logs::LogGroup").ToDictionary(l => l.Id, l => l.Properties);
        var functions = stack.OfType("AWS::Lambda::Function").ToList();
        Assert.Equal(functions.Count, functions.Select(f => Target(f.Properties["Role"])).Distinct().Count());
        foreach (var (_, function) in functions)
        {
            var name = (string)function["FunctionName"]!;
            var role = roles[Target(function["Role"])];
            var trust = Assert.Single(role["AssumeRolePolicyDocument"]!["Statement"]!.AsArray());
            Assert.Equal(("sts:AssumeRole", "lambda.amazonaws.com"), ((string?)trust!["Action"], (string?)trust["Principal"]!["Service"]));
            Assert.Null(role["ManagedPolicyArns"]);
            var logGroup = logGroups[Target(function["LoggingConfig"]!["LogGroup"])];
            Assert.Equal(("/aws/lambda/" + name, 14), ((string?)logGroup["LogGroupName"], (int)logGroup["RetentionInDays"]!));
            // Each invocation is traced in X-Ray.
            Assert.Equal("Active", (string?)function["TracingConfig"]!["Mode"]);
        }
        Assert.Equal([TopologyNames.FaceRecognitionFunction, TopologyNames.VideoSplitFunction],
            functions.Select(f => (string)f.Properties["FunctionName"]!).Order(StringComparer.Ordinal));
    }
}
