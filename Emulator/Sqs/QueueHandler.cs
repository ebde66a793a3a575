using System.Globalization;
using System.Text;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Sqs;

/// <summary>Queue operations: create, look up, list, delete, purge, attributes and tags.</summary>
internal sealed class QueueHandler(EmulatorStore store, SqsStore sqs, EmulatorOptions options, TimeProvider clock)
    : SqsHandlerBase(store, sqs, options, clock)
{
    public async Task<QueueUrlResponse> CreateQueue(SqsCall call, CreateQueueRequest request)
    {
        var name = request.QueueName;
        if (string.IsNullOrEmpty(name)) throw SqsErrors.MissingParameter("QueueName");
        if (name.EndsWith(".fifo", StringComparison.Ordinal))
        {
            throw SqsErrors.UnsupportedOperation("FIFO queues are not supported by this emulator; create a standard queue.");
        }
        if (!QueueAttributes.QueueNamePattern().IsMatch(name))
        {
            throw SqsErrors.InvalidParameterValue($"Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length. '{name}' is not.");
        }
        var attributes = request.Attributes ?? [];
        var tags = request.Tags ?? [];
        await Store.WriteAsync(changes =>
        {
            QueueAttributes.Validate(attributes, Sqs.Exists);
            if (Sqs.FindQueue(name) is { } existing)
            {
                // Creating an existing queue is fine when nothing conflicts, as on AWS.
                foreach (var (key, value) in attributes)
                {
                    var current = existing.Record.Attributes.GetValueOrDefault(key) ?? QueueAttributes.Defaults.GetValueOrDefault(key);
                    if (current != value) throw SqsErrors.QueueNameExists(name);
                }
                return;
            }
            var now = Now;
            Sqs.CreateQueue(changes, new QueueRecord(name, now, now, new Dictionary<string, string>(attributes), new Dictionary<string, string>(tags)));
        });
        return new QueueUrlResponse(QueueUrl(call, name));
    }

    public QueueUrlResponse GetQueueUrl(SqsCall call, GetQueueUrlRequest request)
    {
        if (string.IsNullOrEmpty(request.QueueName)) throw SqsErrors.MissingParameter("QueueName");
        if (request.QueueOwnerAWSAccountId is { } account && account != Options.AccountId) throw SqsErrors.QueueDoesNotExist(request.QueueName);
        Store.Read(() => Sqs.GetQueue(request.QueueName));
        return new QueueUrlResponse(QueueUrl(call, request.QueueName));
    }

    public ListQueuesResponse ListQueues(SqsCall call, ListQueuesRequest request)
    {
        if (request.MaxResults is < 1 or > 1000) throw SqsErrors.InvalidParameterValue("MaxResults must be from 1 to 1000.");
        var after = request.NextToken is null ? null : DecodeToken(request.NextToken);
        var names = Store.Read(() => Sqs.Queues().Select(q => q.Name)
            .Where(n => request.QueueNamePrefix is null || n.StartsWith(request.QueueNamePrefix, StringComparison.Ordinal))
            .Where(n => after is null || string.CompareOrdinal(n, after) > 0)
            .Order(StringComparer.Ordinal)
            .ToList());
        var limit = request.MaxResults ?? 1000;
        var page = names.Take(limit).ToList();
        var nextToken = request.MaxResults is not null && names.Count > limit ? EncodeToken(page[^1]) : null;
        return new ListQueuesResponse(page.Count == 0 ? null : page.Select(n => QueueUrl(call, n)).ToList(), nextToken);
    }

    public async Task<EmptyResponse> DeleteQueue(SqsCall call, QueueUrlRequest request)
    {
        await Store.WriteAsync(changes => Sqs.DeleteQueue(changes, ResolveQueue(request.QueueUrl)));
        return new EmptyResponse();
    }

    public async Task<EmptyResponse> PurgeQueue(SqsCall call, QueueUrlRequest request)
    {
        await Store.WriteAsync(changes => Sqs.Purge(changes, ResolveQueue(request.QueueUrl)));
        return new EmptyResponse();
    }

    public AttributesResponse GetQueueAttributes(SqsCall call, GetQueueAttributesRequest request)
    {
        var requested = request.AttributeNames ?? [];
        var all = requested.Contains("All");
        return Store.Read(() =>
        {
            var available = Attributes(ResolveQueue(request.QueueUrl));
            foreach (var name in requested)
            {
                if (name != "All" && !available.ContainsKey(name) && !IsKnownAttribute(name)) throw SqsErrors.InvalidAttributeName(name);
            }
            var result = available.Where(a => all || requested.Contains(a.Key)).ToDictionary(a => a.Key, a => a.Value);
            return new AttributesResponse(result.Count == 0 ? null : result);
        });
    }

    public async Task<EmptyResponse> SetQueueAttributes(SqsCall call, SetQueueAttributesRequest request)
    {
        var changes = request.Attributes ?? [];
        await Store.WriteAsync(update =>
        {
            var queue = ResolveQueue(request.QueueUrl);
            QueueAttributes.Validate(changes, Sqs.Exists);
            var attributes = new Dictionary<string, string>(queue.Record.Attributes);
            foreach (var (name, value) in changes)
            {
                if (value.Length == 0 && name == QueueAttributes.RedrivePolicy) attributes.Remove(name);
                else attributes[name] = value;
            }
            Sqs.UpdateQueue(update, queue, queue.Record with { Attributes = attributes, LastModified = Now });
        });
        return new EmptyResponse();
    }

    public async Task<EmptyResponse> TagQueue(SqsCall call, TagQueueRequest request)
    {
        if (request.Tags is null || request.Tags.Count == 0) throw SqsErrors.MissingParameter("Tags");
        await UpdateTags(request.QueueUrl, tags =>
        {
            foreach (var (key, value) in request.Tags) tags[key] = value;
        });
        return new EmptyResponse();
    }

    public async Task<EmptyResponse> UntagQueue(SqsCall call, UntagQueueRequest request)
    {
        if (request.TagKeys is null || request.TagKeys.Count == 0) throw SqsErrors.MissingParameter("TagKeys");
        await UpdateTags(request.QueueUrl, tags =>
        {
            foreach (var key in request.TagKeys) tags.Remove(key);
        });
        return new EmptyResponse();
    }

    public TagsResponse ListQueueTags(SqsCall call, QueueUrlRequest request)
    {
        return Store.Read(() =>
        {
            var queue = ResolveQueue(request.QueueUrl);
            return new TagsResponse(queue.Record.Tags.Count == 0 ? null : new Dictionary<string, string>(queue.Record.Tags));
        });
    }

    public ListDeadLetterSourceQueuesResponse ListDeadLetterSourceQueues(SqsCall call, ListDeadLetterSourceQueuesRequest request)
    {
        return Store.Read(() =>
        {
            var target = ResolveQueue(request.QueueUrl);
            var sources = Sqs.Queues()
                .Where(q => q.Settings.Redrive?.TargetQueueName == target.Name)
                .Select(q => q.Name)
                .Order(StringComparer.Ordinal)
                .Select(n => QueueUrl(call, n))
                .ToList();
            return new ListDeadLetterSourceQueuesResponse(sources, null);
        });
    }

    private async Task UpdateTags(string? queueUrl, Action<Dictionary<string, string>> change)
    {
        await Store.WriteAsync(changes =>
        {
            var queue = ResolveQueue(queueUrl);
            var tags = new Dictionary<string, string>(queue.Record.Tags);
            change(tags);
            Sqs.UpdateQueue(changes, queue, queue.Record with { Tags = tags });
        });
    }

    private Dictionary<string, string> Attributes(SqsQueue queue)
    {
        var (visible, inFlight, delayed) = queue.Count(Now);
        var attributes = new Dictionary<string, string>(QueueAttributes.Defaults);
        foreach (var (name, value) in queue.Record.Attributes) attributes[name] = value;
        attributes["QueueArn"] = QueueArn(queue.Name);
        attributes["ApproximateNumberOfMessages"] = visible.ToString(CultureInfo.InvariantCulture);
        attributes["ApproximateNumberOfMessagesNotVisible"] = inFlight.ToString(CultureInfo.InvariantCulture);
        attributes["ApproximateNumberOfMessagesDelayed"] = delayed.ToString(CultureInfo.InvariantCulture);
        attributes["CreatedTimestamp"] = (queue.Record.CreatedAt / 1000).ToString(CultureInfo.InvariantCulture);
        attributes["LastModifiedTimestamp"] = (queue.Record.LastModified / 1000).ToString(CultureInfo.InvariantCulture);
        attributes.TryAdd("SqsManagedSseEnabled", "false");
        return attributes;
    }

    private static bool IsKnownAttribute(string name) =>
        QueueAttributes.Defaults.ContainsKey(name) || QueueAttributes.Computed.Contains(name) ||
        name is "Policy" or "RedrivePolicy" or "RedriveAllowPolicy" or "KmsMasterKeyId" or "KmsDataKeyReusePeriodSeconds" or "SqsManagedSseEnabled"
            or "FifoQueue" or "ContentBasedDeduplication" or "DeduplicationScope" or "FifoThroughputLimit";

    private static string EncodeToken(string lastName) => Convert.ToBase64String(Encoding.UTF8.GetBytes(lastName));

    private static string DecodeToken(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw SqsErrors.InvalidParameterValue("Invalid NextToken value.");
        }
    }
}
