using System.Text;
using System.Text.Json;

namespace FaceRecognition.Cloud.Topology;

/// <summary>
/// The resource policy a queue needs before S3 may deliver a bucket's notifications to it (AWS refuses the
/// notification configuration otherwise): <c>sqs:SendMessage</c> for the S3 service, only for messages about the
/// named buckets of the queue's own account. The deployed stack (deploy/Queues.cs) renders the same statement.
/// </summary>
public static class QueuePolicy
{
    /// <param name="queueArn">The queue's ARN (its partition and account are the policy's).</param>
    /// <param name="buckets">The buckets whose notifications the queue receives.</param>
    public static string AllowNotifications(string queueArn, IEnumerable<string> buckets)
    {
        var parts = queueArn.Split(':');
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "sqs")
        {
            throw new ArgumentException($"'{queueArn}' is not an SQS queue ARN.", nameof(queueArn));
        }
        var (partition, account) = (parts[1], parts[4]);
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("Version", "2012-10-17");
            writer.WriteStartArray("Statement");
            foreach (var bucket in buckets.Distinct(StringComparer.Ordinal))
            {
                writer.WriteStartObject();
                writer.WriteString("Sid", "NotificationsFrom-" + bucket);
                writer.WriteString("Effect", "Allow");
                writer.WriteStartObject("Principal");
                writer.WriteString("Service", "s3.amazonaws.com");
                writer.WriteEndObject();
                writer.WriteString("Action", "sqs:SendMessage");
                writer.WriteString("Resource", queueArn);
                writer.WriteStartObject("Condition");
                writer.WriteStartObject("ArnEquals");
                writer.WriteString("aws:SourceArn", $"arn:{partition}:s3:::{bucket}");
                writer.WriteEndObject();
                writer.WriteStartObject("StringEquals");
                writer.WriteString("aws:SourceAccount", account);
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(json.ToArray());
    }
}
