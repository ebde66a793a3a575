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
        var (partition, region, account) = (parts[1], parts[3], parts[4]);
        var statements = buckets.Distinct(StringComparer.Ordinal).Select(bucket => new PermissionStatement(
            "NotificationsFrom-" + bucket,
            ["sqs:SendMessage"],
            [queueArn],
            new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["ArnEquals"] = new Dictionary<string, string> { ["aws:SourceArn"] = $"arn:{partition}:s3:::{bucket}" },
                ["StringEquals"] = new Dictionary<string, string> { ["aws:SourceAccount"] = account },
            },
            ServicePrincipal: "s3.amazonaws.com"));
        return PermissionStatement.PolicyDocument(statements, partition, region, account);
    }
}
