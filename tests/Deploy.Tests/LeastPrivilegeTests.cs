using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FaceRecognition.Cloud.Topology;
using static FaceRecognition.Deploy.Tests.TemplateValues;

namespace FaceRecognition.Deploy.Tests;

/// <summary>Every permission the template grants, read statement by statement: no wildcard that is not listed here
/// with the reason AWS leaves no other way, and each function's role holds exactly what its code calls.</summary>
public sealed class LeastPrivilegeTests(SynthesizedStack stack)
{
    /// <summary>The wildcards a statement may hold (in a resource, for the actions given), and why each cannot be narrower.</summary>
    private IReadOnlyList<(Regex Resource, Regex Actions, string Reason)> AllowedWildcards
    {
        get
        {
            var p = Regex.Escape(stack.Names.Prefix);
            var any = new Regex(".");
            return
            [
                (new($@"^arn:\$\{{AWS::Partition\}}:s3:::{p}-[a-z0-9-]+/\*$"), any,
                    "the objects of one bucket: their keys are the names of uploaded pictures and videos, extracted frames and answers, known only at run time"),
                (new($@"^arn:\$\{{AWS::Partition\}}:s3:::{Regex.Escape(stack.Names.VideoInputBucket)}/\*\.mp4$"), any, "any uploaded video (its stem is the uploader's choice)"),
                (new($@"^arn:\$\{{AWS::Partition\}}:s3:::{Regex.Escape(stack.Names.VideoOutputBucket)}/(failed/)?\*\.txt$"), any,
                    "the answer or failure record of any video (its stem is known only at run time)"),
                (new($@"^arn:\$\{{AWS::Partition\}}:s3:::{Regex.Escape(stack.Names.GalleryBucket)}/faces/\*$"), new("^s3:(Get|Put|Delete)Object$"),
                    "the thumbnails of enrolled faces, named by identity and face id at enrolment"),
                (new($@"^arn:\$\{{AWS::Partition\}}:s3:::{Regex.Escape(stack.Names.InputBucket)}/drawn/\*$"), new("^s3:(Get|Put)Object$"),
                    "pictures drawn for detections, named by request id"),
                (new($@"^arn:\$\{{AWS::Partition\}}:s3:::{Regex.Escape(stack.Names.FramesBucket)}/\*/votes/\*$"), any,
                    "the votes of any sampled video's frames (its stem is known only at run time)"),
                (new(@"^arn:\$\{AWS::Partition\}:logs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:log-group:/aws/lambda/[a-z-]+:\*$"), any,
                    "a function's log streams, which Lambda creates and names for each execution environment"),
                (new($@"^arn:\$\{{AWS::Partition\}}:logs:\$\{{AWS::Region\}}:\$\{{AWS::AccountId\}}:log-group:/facerec/{p}/(web|app)-tier:\*$"), any,
                    "a tier's log streams, which the CloudWatch agent creates, one per instance"),
                (new($@"^arn:\$\{{AWS::Partition\}}:sqs:\$\{{AWS::Region\}}:\$\{{AWS::AccountId\}}:{Regex.Escape(stack.Names.ReplyQueueFor("*"))}$"), any,
                    "each web-tier process's reply queue, named when it starts"),
                (new(@"^arn:\$\{AWS::Partition\}:ec2:\$\{AWS::Region\}:\$\{AWS::AccountId\}:instance/\*$"), new("^ec2:(Start|Stop)Instances$"),
                    "the app-tier instances, chosen by the statement's tag condition (TierTests holds it)"),
                (new(@"^\*$"), new("^(ec2:DescribeInstances|xray:PutTraceSegments|xray:PutTelemetryRecords)$"),
                    "EC2's Describe actions and X-Ray's writes have no resource-level permissions"),
            ];
        }
    }

    [Fact]
    public void No_statement_allows_a_wildcard_that_is_not_listed_with_its_reason()
    {
        var statements = AllowStatements().ToList();
        Assert.NotEmpty(statements);
        var unlisted = new List<string>();
        foreach (var (where, statement) in statements)
        {
            var actions = Items(statement["Action"]).Select(Render).ToList();
            unlisted.AddRange(actions.Where(a => a.Contains('*', StringComparison.Ordinal)).Select(a => $"{where}: action {a}"));
            unlisted.AddRange(Items(statement["Resource"]).Select(Render)
                .Where(r => r.Contains('*', StringComparison.Ordinal) && !AllowedWildcards.Any(w => w.Resource.IsMatch(r) && actions.All(w.Actions.IsMatch)))
                .Select(r => $"{where}: resource {r} for {string.Join(", ", actions)}"));
            if (statement["Principal"] is JsonValue principal && (string?)principal == "*") unlisted.Add($"{where}: principal *");
        }
        Assert.True(unlisted.Count == 0, "Wildcards not listed with a reason:\n" + string.Join('\n', unlisted));
    }

    [Fact]
    public void Video_splitting_may_read_videos_write_frames_and_failures_consume_its_queue_and_dead_letter()
    {
        var n = stack.Names;
        Assert.Equal(Sorted(
        [
            $"logs:CreateLogStream log-group:/aws/lambda/{TopologyNames.VideoSplitFunction}:*",
            $"logs:PutLogEvents log-group:/aws/lambda/{TopologyNames.VideoSplitFunction}:*",
            .. Consume(n.VideoSplitEventsQueue),
            .. DeadLetterRule(n.VideoSplitEventsQueue, n.VideoSplitDeadLetterQueue),
            $"s3:GetObject {n.VideoInputBucket}/*",
            $"s3:PutObject {n.FramesBucket}/*",
            $"s3:PutObject {n.VideoOutputBucket}/failed/*.txt",
            .. s_activeTracing,
        ]), Permissions(FunctionRole(TopologyNames.VideoSplitFunction)));
    }

    [Fact]
    public void Face_recognition_may_read_frames_and_the_gallery_write_votes_and_answers_consume_its_queue_and_dead_letter()
    {
        var n = stack.Names;
        Assert.Equal(Sorted(
        [
            $"logs:CreateLogStream log-group:/aws/lambda/{TopologyNames.FaceRecognitionFunction}:*",
            $"logs:PutLogEvents log-group:/aws/lambda/{TopologyNames.FaceRecognitionFunction}:*",
            .. Consume(n.FaceRecognitionEventsQueue),
            .. DeadLetterRule(n.FaceRecognitionEventsQueue, n.FaceRecognitionDeadLetterQueue),
            $"s3:GetObject {n.FramesBucket}/*",
            $"s3:PutObject {n.FramesBucket}/*/votes/*",
            $"s3:ListBucket {n.FramesBucket} if s3:prefix like */votes/",
            $"s3:GetObject {n.GalleryBucket}/{TopologyNames.GalleryObjectKey}",
            $"s3:ListBucket {n.GalleryBucket}",
            $"s3:PutObject {n.VideoOutputBucket}/*",
            .. s_activeTracing,
        ]), Permissions(FunctionRole(TopologyNames.FaceRecognitionFunction)));
    }

    [Fact]
    public void The_web_tier_may_upload_read_answers_edit_the_gallery_send_requests_own_reply_queues_and_scale_the_app_tier()
    {
        var n = stack.Names;
        Assert.Equal(Sorted(
        [
            $"s3:PutObject {n.InputBucket}/*",
            $"s3:GetObject {n.OutputBucket}/*",
            $"s3:GetObject {n.GalleryBucket}/{TopologyNames.GalleryObjectKey}", $"s3:GetObject {n.GalleryBucket}/{TopologyNames.FacesPrefix}*",
            $"s3:GetObject {n.InputBucket}/{TopologyNames.DrawnPrefix}*",
            $"s3:PutObject {n.VideoInputBucket}/*.mp4", $"s3:GetObject {n.VideoInputBucket}/*.mp4", $"s3:AbortMultipartUpload {n.VideoInputBucket}/*.mp4",
            $"s3:GetObject {n.VideoOutputBucket}/*.txt", $"s3:DeleteObject {n.VideoOutputBucket}/*.txt",
            $"s3:GetObject {n.VideoOutputBucket}/failed/*.txt", $"s3:DeleteObject {n.VideoOutputBucket}/failed/*.txt",
            $"s3:ListBucket {n.FramesBucket}", $"s3:ListBucket {n.OutputBucket}", $"s3:ListBucket {n.GalleryBucket}",
            $"s3:ListBucket {n.VideoInputBucket}", $"s3:ListBucket {n.VideoOutputBucket}",
            $"sqs:GetQueueUrl queue:{n.RequestQueue}", $"sqs:SendMessage queue:{n.RequestQueue}", $"sqs:GetQueueAttributes queue:{n.RequestQueue}",
            // The console's system view: every queue's depth.
            .. SystemTopology.For(n).Queues.SelectMany(q => new[] { $"sqs:GetQueueUrl queue:{q.Name}", $"sqs:GetQueueAttributes queue:{q.Name}" }),
            "secretsmanager:GetSecretValue api-key",
            .. QueueConsumer(n.ResponseQueue),
            .. QueueConsumer(n.ReplyQueueFor("*")), $"sqs:CreateQueue queue:{n.ReplyQueueFor("*")}", $"sqs:DeleteQueue queue:{n.ReplyQueueFor("*")}",
            "ec2:DescribeInstances *",
            $"ec2:StartInstances instance/* if tagged FaceRecognition:Deployment={n.Prefix}, Name like app-tier-instance-*",
            $"ec2:StopInstances instance/* if tagged FaceRecognition:Deployment={n.Prefix}, Name like app-tier-instance-*",
            .. Common("web-tier"),
        ]), Permissions(InstanceRole("web-instance")));
    }

    [Fact]
    public void The_app_tier_may_take_requests_reply_read_pictures_write_answers_and_extend_the_gallery()
    {
        var n = stack.Names;
        var expected = Sorted(
        [
            .. QueueConsumer(n.RequestQueue),
            $"sqs:GetQueueUrl queue:{n.RequestDeadLetterQueue}", $"sqs:SendMessage queue:{n.RequestDeadLetterQueue}",
            $"sqs:GetQueueUrl queue:{n.ResponseQueue}", $"sqs:SendMessage queue:{n.ResponseQueue}",
            $"sqs:GetQueueUrl queue:{n.ReplyQueueFor("*")}", $"sqs:SendMessage queue:{n.ReplyQueueFor("*")}",
            $"s3:GetObject {n.InputBucket}/*",
            $"s3:ListBucket {n.InputBucket} if s3:prefix like enroll/*",
            $"s3:PutObject {n.OutputBucket}/*",
            $"s3:GetObject {n.GalleryBucket}/{TopologyNames.GalleryObjectKey}", $"s3:PutObject {n.GalleryBucket}/{TopologyNames.GalleryObjectKey}",
            $"s3:PutObject {n.GalleryBucket}/{TopologyNames.FacesPrefix}*", $"s3:DeleteObject {n.GalleryBucket}/{TopologyNames.FacesPrefix}*",
            $"s3:PutObject {n.InputBucket}/{TopologyNames.DrawnPrefix}*",
            $"s3:ListBucket {n.GalleryBucket}",
            .. Common("app-tier"),
        ]);
        // Every app-tier instance runs with the one app-tier role.
        var roles = Enumerable.Range(1, 20).Select(i => InstanceRole($"app-tier-instance-{i}")).Distinct().ToList();
        Assert.Equal(expected, Permissions(Assert.Single(roles)));
    }

    /// <summary>The emulator enforces <see cref="SystemPermissions"/> locally: each role of the template holds exactly
    /// those statements (the tiers also read their own build from the CDK's asset bucket, and the web tier its API key
    /// from Secrets Manager, which has no local counterpart), and is named as locally.</summary>
    [Theory]
    [InlineData(SystemPermissions.WebTier, "web-instance")]
    [InlineData(SystemPermissions.AppTier, "app-tier-instance-1")]
    [InlineData(TopologyNames.VideoSplitFunction, null)]
    [InlineData(TopologyNames.FaceRecognitionFunction, null)]
    public void Each_role_holds_exactly_the_statements_the_emulator_enforces_locally(string component, string? instance)
    {
        var role = instance is null ? FunctionRole(component) : InstanceRole(instance);
        Assert.Equal(SystemPermissions.RoleName(stack.Names, component), (string?)stack.Resources[role]!["Properties"]!["RoleName"]);
        var inTemplate = RoleStatements().Where(s => s.Role == role && (string?)s.Statement["Sid"] is { } sid && sid is not ("ReadOwnBuild" or "ReadApiKey"))
            .Select(s => Describe((string)s.Statement["Sid"]!, Items(s.Statement["Action"]).Select(Render), Items(s.Statement["Resource"]).Select(Render),
                s.Statement["Condition"]?.ToJsonString()))
            .ToList();
        var enforced = SystemPermissions.For(component, stack.Names)
            .Select(s => Describe(s.Sid, s.Actions, s.Resources, s.Conditions is null ? null : System.Text.Json.JsonSerializer.Serialize(s.Conditions)))
            .ToList();
        Assert.Equal(enforced, inTemplate);
    }

    private static string Describe(string sid, IEnumerable<string> actions, IEnumerable<string> resources, string? conditions) =>
        $"{sid}: {string.Join(',', actions)} on {string.Join(',', resources)}{(conditions is null ? "" : " if " + conditions)}";

    /// <summary>Both tiers: their own build, their own log group (through the CloudWatch agent), traces to X-Ray.</summary>
    private IEnumerable<string> Common(string tier) =>
    [
        "s3:GetObject build",
        .. new[] { "CreateLogStream", "PutLogEvents", "DescribeLogStreams" }.Select(a => $"logs:{a} log-group:/facerec/{stack.Names.Prefix}/{tier}:*"),
        "xray:PutTraceSegments *", "xray:PutTelemetryRecords *",
    ];

    /// <summary>What Lambda's active tracing needs (granted with it): each invocation's segment to X-Ray.</summary>
    private static readonly string[] s_activeTracing = ["xray:PutTraceSegments *", "xray:PutTelemetryRecords *"];

    /// <summary>What the event source mapping needs of the queue (granted with it).</summary>
    private static IEnumerable<string> Consume(string queue) =>
        new[] { "ReceiveMessage", "ChangeMessageVisibility", "GetQueueUrl", "DeleteMessage", "GetQueueAttributes" }.Select(a => $"sqs:{a} queue:{queue}");

    /// <summary>What Cloud/Messaging/QueueConsumer calls on its queue: receive, keep invisible or hand back, delete, and
    /// the redrive policy for the dead-letter rule.</summary>
    private static IEnumerable<string> QueueConsumer(string queue) =>
        new[] { "GetQueueUrl", "GetQueueAttributes", "ReceiveMessage", "ChangeMessageVisibility", "DeleteMessage" }.Select(a => $"sqs:{a} queue:{queue}");

    /// <summary>What Cloud/Messaging/DeadLetterRule calls: the queue's URL and redrive policy, a shorter visibility, and the
    /// dead-letter queue's URL and a send to it.</summary>
    private static IEnumerable<string> DeadLetterRule(string queue, string deadLetterQueue) =>
    [
        $"sqs:GetQueueUrl queue:{queue}", $"sqs:GetQueueAttributes queue:{queue}", $"sqs:ChangeMessageVisibility queue:{queue}",
        $"sqs:GetQueueUrl queue:{deadLetterQueue}", $"sqs:SendMessage queue:{deadLetterQueue}",
    ];

    private static List<string> Sorted(IEnumerable<string> permissions) => [.. permissions.Order(StringComparer.Ordinal)];

    private string FunctionRole(string function) =>
        Target(stack.OfType("AWS::Lambda::Function").Single(f => (string?)f.Properties["FunctionName"] == function).Properties["Role"]);

    /// <summary>The role of the instance tagged Name = <paramref name="name"/> (through its instance profile).</summary>
    private string InstanceRole(string name)
    {
        var instance = stack.OfType("AWS::EC2::Instance").Single(i => i.Properties["Tags"]!.AsArray().Any(t => (string?)t!["Key"] == "Name" && (string?)t["Value"] == name));
        var profile = stack.Resources[Target(instance.Properties["IamInstanceProfile"])]!["Properties"]!;
        return Target(Assert.Single(profile["Roles"]!.AsArray()));
    }

    /// <summary>Each action on each resource the role allows, with queues and buckets by name.</summary>
    private List<string> Permissions(string role)
    {
        var queues = stack.OfType("AWS::SQS::Queue").ToDictionary(q => q.Id, q => (string)q.Properties["QueueName"]!);
        var permissions = new List<string>();
        foreach (var (_, statement) in RoleStatements().Where(s => s.Role == role && (string?)s.Statement["Effect"] == "Allow"))
        {
            foreach (var action in Items(statement["Action"]).Select(Render))
            {
                foreach (var resource in Items(statement["Resource"]).Select(Render))
                {
                    permissions.Add($"{action} {Readable(resource, queues)}{Readable(statement["Condition"])}");
                }
            }
        }
        return Sorted(permissions);
    }

    private static string Readable(string resource, Dictionary<string, string> queues)
    {
        var readable = Regex.Replace(resource, @"^\$\{(\w+)\.Arn\}$", m => "queue:" + queues[m.Groups[1].Value]);
        readable = Regex.Replace(readable, @"^arn:\$\{AWS::Partition\}:s3:::cdk-[a-z0-9]+-assets-\$\{AWS::AccountId\}-\$\{AWS::Region\}/[0-9a-f]{64}\.zip$", "build");
        readable = Regex.Replace(readable, @"^\$\{apikey[0-9A-F]+\}$", "api-key");
        readable = Regex.Replace(readable, @"^arn:\$\{AWS::Partition\}:s3:::", "");
        readable = Regex.Replace(readable, @"^arn:\$\{AWS::Partition\}:sqs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:", "queue:");
        return Regex.Replace(readable, @"^arn:\$\{AWS::Partition\}:(logs|ec2):\$\{AWS::Region\}:\$\{AWS::AccountId\}:", "");
    }

    private static string Readable(JsonNode? condition)
    {
        if (condition is null) return "";
        if (condition["StringLike"]?["s3:prefix"] is { } prefix) return $" if s3:prefix like {Render(prefix)}";
        var tags = condition.AsObject().SelectMany(c => c.Value!.AsObject().Select(t => (Operator: c.Key, Key: t.Key, Value: Render(t.Value))))
            .Where(t => t.Key.StartsWith("ec2:ResourceTag/", StringComparison.Ordinal))
            .OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => $"{t.Key["ec2:ResourceTag/".Length..]}{(t.Operator == "StringLike" ? " like " : "=")}{t.Value}");
        return " if tagged " + string.Join(", ", tags);
    }

    /// <summary>Every statement of every role: inline policies and the policies attached to it.</summary>
    private IEnumerable<(string Role, JsonObject Statement)> RoleStatements()
    {
        foreach (var (id, role) in stack.OfType("AWS::IAM::Role"))
        {
            foreach (var policy in role["Policies"]?.AsArray() ?? [])
            {
                foreach (var statement in policy!["PolicyDocument"]!["Statement"]!.AsArray()) yield return (id, statement!.AsObject());
            }
        }
        foreach (var (_, policy) in stack.OfType("AWS::IAM::Policy"))
        {
            foreach (var role in Items(policy["Roles"]).Select(Target))
            {
                foreach (var statement in policy["PolicyDocument"]!["Statement"]!.AsArray()) yield return (role, statement!.AsObject());
            }
        }
    }

    /// <summary>Every statement that grants (a Deny only takes away): roles' and the buckets' and queues' own policies.</summary>
    private IEnumerable<(string Where, JsonObject Statement)> AllowStatements()
    {
        var all = RoleStatements().Select(s => ($"role {s.Role}", s.Statement));
        foreach (var type in (string[])["AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy"])
        {
            all = all.Concat(stack.OfType(type).SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray().Select(s => ($"{type} {p.Id}", s!.AsObject()))));
        }
        return all.Where(s => (string?)s.Item2["Effect"] == "Allow");
    }
}
