namespace FaceRecognition.Cloud.Topology;

/// <summary>
/// What a queue needs before S3 may deliver a bucket's notifications to it (AWS refuses the notification configuration
/// otherwise): <c>sqs:SendMessage</c> for the S3 service, only for messages about that bucket of the queue's own
/// account. Local provisioning sets it as the queue's <c>Policy</c>; the deployed stack renders the same statement.
/// </summary>
public static class QueuePolicy
{
    /// <summary>The statement letting <paramref name="bucket"/> notify <paramref name="queue"/> (ARNs with pseudo parameters).</summary>
    public static PermissionStatement AllowNotifications(string queue, string bucket) => new(
        "NotificationsFrom" + new string([.. bucket.Where(char.IsAsciiLetterOrDigit)]),
        ["sqs:SendMessage"],
        [PermissionStatement.QueueArn(queue)],
        new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["ArnEquals"] = new Dictionary<string, string> { ["aws:SourceArn"] = PermissionStatement.BucketArn(bucket) },
            ["StringEquals"] = new Dictionary<string, string> { ["aws:SourceAccount"] = PermissionStatement.Account },
        },
        ServicePrincipal: "s3.amazonaws.com");

    /// <summary>The <c>Policy</c> attribute of the queue <paramref name="queueArn"/> names (its partition, region and
    /// account resolve the statements), admitting the notifications of <paramref name="buckets"/>.</summary>
    public static string Document(string queueArn, IEnumerable<string> buckets)
    {
        var parts = queueArn.Split(':');
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "sqs")
        {
            throw new ArgumentException($"'{queueArn}' is not an SQS queue ARN.", nameof(queueArn));
        }
        var (partition, region, account, queue) = (parts[1], parts[3], parts[4], parts[5]);
        return PermissionStatement.PolicyDocument(buckets.Distinct(StringComparer.Ordinal).Select(bucket => AllowNotifications(queue, bucket)), partition, region, account);
    }
}
