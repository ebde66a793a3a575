using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace FaceRecognition.Emulator.Sqs;

/// <summary>
/// The SQS operations by name, each taking its request as JSON and answering JSON. The JSON 1.0 protocol uses this
/// directly; the query protocol translates into and out of it (<see cref="SqsQueryProtocol"/>).
/// </summary>
internal sealed class SqsApi
{
    private readonly Dictionary<string, Func<SqsCall, byte[], Task<byte[]>>> _operations = new(StringComparer.Ordinal);

    public SqsApi(QueueHandler queues, MessageHandler messages)
    {
        var json = SqsJson.Default;
        Add("CreateQueue", json.CreateQueueRequest, json.QueueUrlResponse, queues.CreateQueue);
        Add("GetQueueUrl", json.GetQueueUrlRequest, json.QueueUrlResponse, Sync<GetQueueUrlRequest, QueueUrlResponse>(queues.GetQueueUrl));
        Add("ListQueues", json.ListQueuesRequest, json.ListQueuesResponse, Sync<ListQueuesRequest, ListQueuesResponse>(queues.ListQueues));
        Add("DeleteQueue", json.QueueUrlRequest, json.EmptyResponse, queues.DeleteQueue);
        Add("PurgeQueue", json.QueueUrlRequest, json.EmptyResponse, queues.PurgeQueue);
        Add("GetQueueAttributes", json.GetQueueAttributesRequest, json.AttributesResponse, Sync<GetQueueAttributesRequest, AttributesResponse>(queues.GetQueueAttributes));
        Add("SetQueueAttributes", json.SetQueueAttributesRequest, json.EmptyResponse, queues.SetQueueAttributes);
        Add("TagQueue", json.TagQueueRequest, json.EmptyResponse, queues.TagQueue);
        Add("UntagQueue", json.UntagQueueRequest, json.EmptyResponse, queues.UntagQueue);
        Add("ListQueueTags", json.QueueUrlRequest, json.TagsResponse, Sync<QueueUrlRequest, TagsResponse>(queues.ListQueueTags));
        Add("ListDeadLetterSourceQueues", json.ListDeadLetterSourceQueuesRequest, json.ListDeadLetterSourceQueuesResponse,
            Sync<ListDeadLetterSourceQueuesRequest, ListDeadLetterSourceQueuesResponse>(queues.ListDeadLetterSourceQueues));
        Add("SendMessage", json.SendMessageRequest, json.SendMessageResponse, messages.SendMessage);
        Add("SendMessageBatch", json.SendMessageBatchRequest, json.SendMessageBatchResponse, messages.SendMessageBatch);
        Add("ReceiveMessage", json.ReceiveMessageRequest, json.ReceiveMessageResponse, messages.ReceiveMessage);
        Add("DeleteMessage", json.DeleteMessageRequest, json.EmptyResponse, messages.DeleteMessage);
        Add("DeleteMessageBatch", json.DeleteMessageBatchRequest, json.BatchResponse, messages.DeleteMessageBatch);
        Add("ChangeMessageVisibility", json.ChangeMessageVisibilityRequest, json.EmptyResponse, messages.ChangeMessageVisibility);
        Add("ChangeMessageVisibilityBatch", json.ChangeMessageVisibilityBatchRequest, json.BatchResponse, messages.ChangeMessageVisibilityBatch);
    }

    public bool IsKnown(string operation) => _operations.ContainsKey(operation);

    /// <summary>Runs an operation on a JSON request body and returns the JSON response body.</summary>
    public Task<byte[]> InvokeAsync(string operation, SqsCall call, byte[] requestJson)
    {
        if (!_operations.TryGetValue(operation, out var invoke)) throw SqsErrors.UnknownOperation(operation);
        return invoke(call, requestJson);
    }

    private void Add<TRequest, TResponse>(string name, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType,
        Func<SqsCall, TRequest, Task<TResponse>> handler)
    {
        _operations[name] = async (call, body) =>
        {
            TRequest? request;
            try
            {
                request = body.Length == 0 ? default : JsonSerializer.Deserialize(body, requestType);
            }
            catch (JsonException e)
            {
                throw SqsErrors.Serialization($"The request body is not valid JSON for {name}: {e.Message}");
            }
            request ??= JsonSerializer.Deserialize("{}"u8, requestType)!;
            var response = await handler(call, request);
            return JsonSerializer.SerializeToUtf8Bytes(response, responseType);
        };
    }

    private static Func<SqsCall, TRequest, Task<TResponse>> Sync<TRequest, TResponse>(Func<SqsCall, TRequest, TResponse> handler) =>
        (call, request) => Task.FromResult(handler(call, request));
}
