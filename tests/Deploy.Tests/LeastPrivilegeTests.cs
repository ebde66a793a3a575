using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FaceRecognition.Cloud.Topology;
using static FaceRecognition.Deploy.Tests.TemplateValues;

namespace FaceRecognition.Deploy.Tests;

/// <summary>Every permission the template grants, read statement by statement: no wildcard that is not listed here
/// with the reason AWS leaves no other way, and each function's role holds exactly what its code calls.</summary>
public sealed class LeastPrivilegeTests(SynthesizedStack stack)
{
    /// <summary>The wildcards a statement may hold, and why each cannot be narrower.</summary>
    private IReadOnlyList<(Regex Resource, string Reason)> AllowedWildcards =>
    [
        (new($@"^arn:\$\{{AWS::Partition\}}:s3:::{Regex.Escape(stack.Names.Prefix)}-[a-z0-9-]+/\*$"),
            "the objects of one bucket: their keys are the names of uploaded videos, extracted frames and answers, known only at run time"),
        (new($@"^arn:\$\{{AWS::Partition\}}:s3:::{Regex.Escape(stack.Names.VideoOutputBucket)}/failed/\*\.txt$"),
            "the failure record of any video (its stem is known only at run time)"),
        (new($@"^arn:\$\{{AWS::Partition\}}:s3:::{Regex.Escape(stack.Names.FramesBucket)}/\*/votes/\*$"),
            "the votes of any sampled video's frames (its stem is known only at run time)"),
        (new(@"^arn:\$\{AWS::Partition\}:logs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:log-group:/aws/lambda/[a-z-]+:\*$"),
            "a function's log streams, which Lambda creates and names for each execution environment"),
    ];

    [Fact]
    public void No_statement_allows_a_wildcard_that_is_not_listed_with_its_reason()
    {
        var statements = AllowStatements().ToList();
        Assert.NotEmpty(statements);
        var unlisted = new List<string>();
        foreach (var (where, statement) in statements)
        {
            unlisted.AddRange(Items(statement["Action"]).Select(Render).Where(a => a.Contains('*', StringComparison.Ordinal)).Select(a => $"{where}: action {a}"));
            unlisted.AddRange(Items(statement["Resource"]).Select(Render)
                .Where(r => r.Contains('*', StringComparison.Ordinal) && !AllowedWildcards.Any(w => w.Resource.IsMatch(r)))
                .Select(r => $"{where}: resource {r}"));
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
        ]), Permissions(TopologyNames.VideoSplitFunction));
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
            $"s3:PutObject {n.VideoOutputBucket}/*",
        ]), Permissions(TopologyNames.FaceRecognitionFunction));
    }

    /// <summary>What the event source mapping needs of the queue (granted with it).</summary>
    private static IEnumerable<string> Consume(string queue) =>
        new[] { "ReceiveMessage", "ChangeMessageVisibility", "GetQueueUrl", "DeleteMessage", "GetQueueAttributes" }.Select(a => $"sqs:{a} queue:{queue}");

    /// <summary>What Lambdas/Runtime/DeadLetters calls: the queue's URL and redrive policy, a shorter visibility, and the
    /// dead-letter queue's URL and a send to it.</summary>
    private static IEnumerable<string> DeadLetterRule(string queue, string deadLetterQueue) =>
    [
        $"sqs:GetQueueUrl queue:{queue}", $"sqs:GetQueueAttributes queue:{queue}", $"sqs:ChangeMessageVisibility queue:{queue}",
        $"sqs:GetQueueUrl queue:{deadLetterQueue}", $"sqs:SendMessage queue:{deadLetterQueue}",
    ];

    private static List<string> Sorted(IEnumerable<string> permissions) => [.. permissions.Order(StringComparer.Ordinal)];

    /// <summary>Each action on each resource the function's role allows, with queues and buckets by name.</summary>
    private List<string> Permissions(string function)
    {
        var functionRole = Target(stack.OfType("AWS::Lambda::Function").Single(f => (string?)f.Properties["FunctionName"] == function).Properties["Role"]);
        var queues = stack.OfType("AWS::SQS::Queue").ToDictionary(q => q.Id, q => (string)q.Properties["QueueName"]!);
        var permissions = new List<string>();
        foreach (var (role, statement) in RoleStatements().Where(s => s.Role == functionRole && (string?)s.Statement["Effect"] == "Allow"))
        {
            foreach (var action in Items(statement["Action"]).Select(Render))
            {
                foreach (var resource in Items(statement["Resource"]).Select(Render))
                {
                    var readable = Regex.Replace(resource, @"^\$\{(\w+)\.Arn\}$", m => "queue:" + queues[m.Groups[1].Value]);
                    readable = Regex.Replace(readable, @"^arn:\$\{AWS::Partition\}:s3:::", "");
                    readable = Regex.Replace(readable, @"^arn:\$\{AWS::Partition\}:logs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:", "");
                    var condition = statement["Condition"]?["StringLike"]?["s3:prefix"] is { } prefix ? $" if s3:prefix like {Render(prefix)}" : "";
                    permissions.Add($"{action} {readable}{condition}");
                }
            }
        }
        return Sorted(permissions);
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
