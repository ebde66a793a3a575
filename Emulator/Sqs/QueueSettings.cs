using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FaceRecognition.Emulator.Sqs;

/// <summary>The attributes of a queue that change behaviour, parsed once. The attributes themselves are kept as the
/// strings the client set (AWS echoes them back unchanged).</summary>
internal sealed record QueueSettings(
    int VisibilityTimeout,
    int DelaySeconds,
    int MessageRetentionPeriod,
    int MaximumMessageSize,
    int ReceiveMessageWaitTimeSeconds,
    RedrivePolicy? Redrive)
{
    public static QueueSettings From(IReadOnlyDictionary<string, string> attributes)
    {
        int Get(string name) => int.Parse(attributes.TryGetValue(name, out var value) ? value : QueueAttributes.Defaults[name], CultureInfo.InvariantCulture);
        var redrive = attributes.TryGetValue(QueueAttributes.RedrivePolicy, out var text) && text.Length > 0 ? RedrivePolicy.Parse(text) : null;
        return new QueueSettings(
            Get(QueueAttributes.VisibilityTimeout),
            Get(QueueAttributes.DelaySeconds),
            Get(QueueAttributes.MessageRetentionPeriod),
            Get(QueueAttributes.MaximumMessageSize),
            Get(QueueAttributes.ReceiveMessageWaitTimeSeconds),
            redrive);
    }
}

internal sealed record RedrivePolicy(string DeadLetterTargetArn, int MaxReceiveCount)
{
    public string TargetQueueName => DeadLetterTargetArn[(DeadLetterTargetArn.LastIndexOf(':') + 1)..];

    /// <summary>Parses <c>{"deadLetterTargetArn":"arn:…","maxReceiveCount":3}</c> (the count may be a string).</summary>
    public static RedrivePolicy Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var arn = root.GetProperty("deadLetterTargetArn").GetString() ?? "";
            var count = root.GetProperty("maxReceiveCount");
            var maxReceiveCount = count.ValueKind == JsonValueKind.String
                ? int.Parse(count.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture)
                : count.GetInt32();
            if (!arn.StartsWith("arn:aws:sqs:", StringComparison.Ordinal) || arn.Split(':').Length != 6)
            {
                throw SqsErrors.InvalidParameterValue($"Value {json} for parameter RedrivePolicy is invalid. Reason: deadLetterTargetArn must be an SQS queue ARN.");
            }
            if (maxReceiveCount is < 1 or > 1000)
            {
                throw SqsErrors.InvalidParameterValue($"Value {json} for parameter RedrivePolicy is invalid. Reason: maxReceiveCount must be from 1 to 1000.");
            }
            return new RedrivePolicy(arn, maxReceiveCount);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or OverflowException or InvalidOperationException)
        {
            throw SqsErrors.InvalidParameterValue($"Value {json} for parameter RedrivePolicy is invalid. Reason: it must be JSON with deadLetterTargetArn and maxReceiveCount.");
        }
    }
}

/// <summary>The queue attributes a client may set, their ranges and defaults, as AWS documents them.</summary>
internal static partial class QueueAttributes
{
    public const string VisibilityTimeout = "VisibilityTimeout";
    public const string DelaySeconds = "DelaySeconds";
    public const string MessageRetentionPeriod = "MessageRetentionPeriod";
    public const string MaximumMessageSize = "MaximumMessageSize";
    public const string ReceiveMessageWaitTimeSeconds = "ReceiveMessageWaitTimeSeconds";
    public const string RedrivePolicy = "RedrivePolicy";

    public const int MaxMessageSizeLimit = 1024 * 1024;

    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>
    {
        [VisibilityTimeout] = "30",
        [DelaySeconds] = "0",
        [MessageRetentionPeriod] = "345600",
        [MaximumMessageSize] = "1048576",
        [ReceiveMessageWaitTimeSeconds] = "0",
    };

    private static readonly Dictionary<string, (int Min, int Max)> s_ranges = new()
    {
        [VisibilityTimeout] = (0, 43200),
        [DelaySeconds] = (0, 900),
        [MessageRetentionPeriod] = (60, 1209600),
        [MaximumMessageSize] = (1024, MaxMessageSizeLimit),
        [ReceiveMessageWaitTimeSeconds] = (0, 20),
        ["KmsDataKeyReusePeriodSeconds"] = (60, 86400),
    };

    /// <summary>Accepted and stored, without behaviour here (policies and encryption).</summary>
    private static readonly HashSet<string> s_storedOnly = ["Policy", "RedriveAllowPolicy", "KmsMasterKeyId", "SqsManagedSseEnabled"];

    private static readonly HashSet<string> s_fifoOnly = ["FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"];

    /// <summary>Attributes GetQueueAttributes computes rather than stores.</summary>
    public static readonly IReadOnlyList<string> Computed =
    [
        "QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
        "CreatedTimestamp", "LastModifiedTimestamp",
    ];

    [GeneratedRegex("^[A-Za-z0-9_-]{1,80}$")]
    public static partial Regex QueueNamePattern();

    /// <summary>Checks names and values; throws the error AWS gives. <paramref name="queueExists"/> checks a dead-letter target.</summary>
    public static void Validate(IReadOnlyDictionary<string, string> attributes, Func<string, bool> queueExists)
    {
        foreach (var (name, value) in attributes)
        {
            if (s_fifoOnly.Contains(name))
            {
                throw SqsErrors.UnsupportedOperation("FIFO queues are not supported by this emulator; create a standard queue.");
            }
            if (s_ranges.TryGetValue(name, out var range))
            {
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < range.Min || number > range.Max)
                {
                    throw SqsErrors.InvalidAttributeValue($"Invalid value for the parameter {name}: '{value}' is not a whole number from {range.Min} to {range.Max}.");
                }
            }
            else if (name == RedrivePolicy)
            {
                if (value.Length == 0) continue;
                var policy = Sqs.RedrivePolicy.Parse(value);
                if (!queueExists(policy.TargetQueueName))
                {
                    throw SqsErrors.InvalidParameterValue($"Value {value} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.");
                }
            }
            else if (!s_storedOnly.Contains(name))
            {
                throw SqsErrors.InvalidAttributeName(name);
            }
        }
    }
}
