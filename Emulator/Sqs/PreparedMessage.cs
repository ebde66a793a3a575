using System.Text.Json;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Sqs;

/// <summary>A validated message ready to be enqueued; its content is serialized once, here, for the commit log.</summary>
internal sealed record PreparedMessage(MessageContent Content, byte[] ContentJson, long Size, int? DelaySeconds)
{
    public static PreparedMessage Create(string body, Dictionary<string, MessageAttributeValue>? attributes, string? traceHeader, long sentTimestamp,
        int? delaySeconds)
    {
        var content = new MessageContent(
            Guid.NewGuid().ToString(),
            body,
            MessageMd5.OfBody(body),
            attributes,
            MessageMd5.OfAttributes(attributes),
            sentTimestamp,
            traceHeader);
        return new PreparedMessage(content, JsonSerializer.SerializeToUtf8Bytes(content, StorageJson.Default.MessageContent),
            MessageValidation.Size(body, attributes), delaySeconds);
    }
}
