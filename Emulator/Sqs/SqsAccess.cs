using System.Text.Json;
using FaceRecognition.Emulator.Iam;

namespace FaceRecognition.Emulator.Sqs;

/// <summary>The IAM action and resource of each SQS operation, as AWS authorises them: <c>sqs:&lt;Operation&gt;</c> (a
/// batch as its single form) on the queue its <c>QueueUrl</c> or <c>QueueName</c> names.</summary>
internal static class SqsAccess
{
    public static void Authorize(AccessControl access, string accessKey, string operation, byte[] requestJson, string region, string account)
    {
        if (access.IsAdministrator(accessKey)) return;
        var action = "sqs:" + operation switch
        {
            "SendMessageBatch" => "SendMessage",
            "DeleteMessageBatch" => "DeleteMessage",
            "ChangeMessageVisibilityBatch" => "ChangeMessageVisibility",
            _ => operation,
        };
        access.Authorize(accessKey, action, $"arn:aws:sqs:{region}:{account}:{QueueName(requestJson, account) ?? "*"}");
    }

    /// <summary>The queue a request is about: its <c>QueueName</c>, or the queue its <c>QueueUrl</c> names (read as the
    /// operations read it); null when it names none the operation would find.</summary>
    private static string? QueueName(byte[] requestJson, string account)
    {
        try
        {
            var reader = new Utf8JsonReader(requestJson);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && name is "QueueName" or "QueueUrl")
                {
                    var value = reader.GetString()!;
                    return name == "QueueName" ? value : SqsHandlerBase.QueueNameFromUrl(value, account);
                }
                reader.Skip();
            }
        }
        catch (Exception e) when (e is JsonException or Protocol.AwsException)
        {
            // Not JSON, or no queue: the operation refuses it after this check.
        }
        return null;
    }
}
