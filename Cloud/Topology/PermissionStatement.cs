using System.Text;
using System.Text.Json;

namespace FaceRecognition.Cloud.Topology;

/// <summary>
/// One allow statement of a role's identity policy. Resources are ARNs in which <c>${AWS::Partition}</c>,
/// <c>${AWS::Region}</c> and <c>${AWS::AccountId}</c> stand for where the role lives (CloudFormation's pseudo
/// parameters: the deployed stack substitutes them with <c>Fn::Sub</c>, a local cloud with its own values).
/// </summary>
/// <param name="Sid">What the statement is for, in a word or three.</param>
/// <param name="Conditions">IAM conditions: operator (<c>StringEquals</c>, <c>StringLike</c>) to key to value.</param>
/// <param name="ServicePrincipal">For a resource policy: the AWS service the statement allows (e.g. <c>s3.amazonaws.com</c>).</param>
public sealed record PermissionStatement(
    string Sid,
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> Resources,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? Conditions = null,
    string? ServicePrincipal = null)
{
    public const string Partition = "${AWS::Partition}";
    public const string Region = "${AWS::Region}";
    public const string Account = "${AWS::AccountId}";

    public static string BucketArn(string bucket) => $"arn:{Partition}:s3:::{bucket}";

    public static string QueueArn(string queue) => $"arn:{Partition}:sqs:{Region}:{Account}:{queue}";

    /// <summary>An IAM policy document (JSON) of <paramref name="statements"/>, for a cloud in the given partition,
    /// region and account.</summary>
    public static string PolicyDocument(IEnumerable<PermissionStatement> statements, string partition, string region, string account)
    {
        string Resolve(string value) => value.Replace(Partition, partition, StringComparison.Ordinal)
            .Replace(Region, region, StringComparison.Ordinal).Replace(Account, account, StringComparison.Ordinal);
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("Version", "2012-10-17");
            writer.WriteStartArray("Statement");
            foreach (var statement in statements)
            {
                writer.WriteStartObject();
                writer.WriteString("Sid", statement.Sid);
                writer.WriteString("Effect", "Allow");
                if (statement.ServicePrincipal is { } service)
                {
                    writer.WriteStartObject("Principal");
                    writer.WriteString("Service", service);
                    writer.WriteEndObject();
                }
                writer.WriteStartArray("Action");
                foreach (var action in statement.Actions) writer.WriteStringValue(action);
                writer.WriteEndArray();
                writer.WriteStartArray("Resource");
                foreach (var resource in statement.Resources) writer.WriteStringValue(Resolve(resource));
                writer.WriteEndArray();
                if (statement.Conditions is { Count: > 0 } conditions)
                {
                    writer.WriteStartObject("Condition");
                    foreach (var (operation, values) in conditions)
                    {
                        writer.WriteStartObject(operation);
                        foreach (var (key, value) in values) writer.WriteString(key, Resolve(value));
                        writer.WriteEndObject();
                    }
                    writer.WriteEndObject();
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(json.ToArray());
    }
}
