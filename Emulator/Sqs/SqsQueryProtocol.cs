using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;

namespace FaceRecognition.Emulator.Sqs;

/// <summary>
/// SQS's older query protocol (form-encoded <c>Action=…</c> requests, XML answers), which clients built before
/// the JSON protocol (late 2023) still speak — Debian's boto3 and aws CLI among them. Requests are translated into
/// the JSON the operations take, and JSON answers into the XML these clients parse.
/// </summary>
internal static class SqsQueryProtocol
{
    public const string XmlNamespace = "http://queue.amazonaws.com/doc/2012-11-05/";

    // Flattened lists and maps: the form prefix, the JSON member, and how the members of one entry are named.
    private static readonly Dictionary<string, string> s_lists = new(StringComparer.Ordinal)
    {
        ["AttributeName"] = "AttributeNames",
        ["MessageAttributeName"] = "MessageAttributeNames",
        ["MessageSystemAttributeName"] = "MessageSystemAttributeNames",
        ["TagKey"] = "TagKeys",
    };

    private static readonly Dictionary<string, (string Member, string KeyField, string ValueField)> s_maps = new(StringComparer.Ordinal)
    {
        ["Attribute"] = ("Attributes", "Name", "Value"),
        ["MessageAttribute"] = ("MessageAttributes", "Name", "Value"),
        ["MessageSystemAttribute"] = ("MessageSystemAttributes", "Name", "Value"),
        ["Tag"] = ("Tags", "Key", "Value"),
    };

    /// <summary>Builds the JSON request from form parameters such as <c>Attribute.1.Name=VisibilityTimeout</c>,
    /// <c>MessageAttribute.1.Value.StringValue=x</c> or <c>SendMessageBatchRequestEntry.2.MessageBody=y</c>.</summary>
    public static byte[] ToJson(string action, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var root = Build(parameters.Where(p => p.Key is not ("Action" or "Version")).Select(p => (p.Key.Split('.'), p.Value)).ToList());
        if (action == "CreateQueue" && root["Tags"] is { } tags)
        {
            root.Remove("Tags");
            root["tags"] = tags;
        }
        return JsonSerializer.SerializeToUtf8Bytes(root, SqsJson.Default.JsonObject);
    }

    private static JsonObject Build(List<(string[] Path, string Value)> parameters)
    {
        var result = new JsonObject();
        foreach (var group in parameters.GroupBy(p => p.Path[0], StringComparer.Ordinal))
        {
            var head = group.Key;
            var items = group.ToList();
            if (items.All(p => p.Path.Length == 1))
            {
                result[head] = items[^1].Value;
            }
            else if (s_lists.TryGetValue(head, out var listMember))
            {
                result[listMember] = new JsonArray(Indexed(items).Select(e => (JsonNode)JsonValue.Create(e.Items[0].Value)!).ToArray());
            }
            else if (s_maps.TryGetValue(head, out var map))
            {
                var members = new JsonObject();
                foreach (var entry in Indexed(items))
                {
                    var fields = Build(entry.Items.Select(p => (p.Path[2..], p.Value)).Where(p => p.Item1.Length > 0).ToList());
                    if (fields[map.KeyField]?.GetValue<string>() is { } key) members[key] = fields[map.ValueField]?.DeepClone();
                }
                result[map.Member] = members;
            }
            else if (head.EndsWith("Entry", StringComparison.Ordinal))
            {
                // SendMessageBatchRequestEntry.N.…, DeleteMessageBatchRequestEntry.N.…: the JSON protocol's Entries.
                result["Entries"] = new JsonArray(Indexed(items)
                    .Select(e => (JsonNode)Build(e.Items.Select(p => (p.Path[2..], p.Value)).Where(p => p.Item1.Length > 0).ToList()))
                    .ToArray());
            }
            else
            {
                result[head] = Build(items.Select(p => (p.Path[1..], p.Value)).Where(p => p.Item1.Length > 0).ToList());
            }
        }
        return result;
    }

    /// <summary>Groups <c>X.N.…</c> parameters by N, in numeric order.</summary>
    private static IEnumerable<(int Index, List<(string[] Path, string Value)> Items)> Indexed(List<(string[] Path, string Value)> items) =>
        items.Where(p => p.Path.Length >= 2 && int.TryParse(p.Path[1], out _))
            .GroupBy(p => int.Parse(p.Path[1], System.Globalization.CultureInfo.InvariantCulture))
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, g.ToList()));

    /// <summary>Renders a JSON answer as the query protocol's <c>&lt;ActionResponse&gt;</c> document.</summary>
    public static byte[] ToXml(string action, byte[] json, string requestId)
    {
        using var document = JsonDocument.Parse(json);
        return Write(writer =>
        {
            writer.WriteStartElement(action + "Response", XmlNamespace);
            if (document.RootElement.EnumerateObject().Any())
            {
                writer.WriteStartElement(action + "Result", XmlNamespace);
                WriteMembers(writer, action, document.RootElement);
                writer.WriteEndElement();
            }
            writer.WriteStartElement("ResponseMetadata", XmlNamespace);
            writer.WriteElementString("RequestId", XmlNamespace, requestId);
            writer.WriteEndElement();
            writer.WriteEndElement();
        });
    }

    public static byte[] ErrorXml(Protocol.AwsException error, string requestId) => Write(writer =>
    {
        writer.WriteStartElement("ErrorResponse", XmlNamespace);
        writer.WriteStartElement("Error", XmlNamespace);
        writer.WriteElementString("Type", XmlNamespace, error.IsSenderFault ? "Sender" : "Receiver");
        writer.WriteElementString("Code", XmlNamespace, error.QueryCode ?? error.Code);
        writer.WriteElementString("Message", XmlNamespace, error.Message);
        writer.WriteElementString("Detail", XmlNamespace, "");
        writer.WriteEndElement();
        writer.WriteElementString("RequestId", XmlNamespace, requestId);
        writer.WriteEndElement();
    });

    private static void WriteMembers(XmlWriter writer, string action, JsonElement element)
    {
        foreach (var member in element.EnumerateObject())
        {
            switch (member.Name)
            {
                case "Attributes" when member.Value.ValueKind == JsonValueKind.Object:
                    WriteMap(writer, "Attribute", "Name", member.Value);
                    break;
                case "MessageAttributes":
                    WriteMap(writer, "MessageAttribute", "Name", member.Value);
                    break;
                case "Tags":
                    WriteMap(writer, "Tag", "Key", member.Value);
                    break;
                case "Messages":
                    WriteList(writer, "Message", member.Value, action);
                    break;
                case "QueueUrls" or "queueUrls":
                    WriteList(writer, "QueueUrl", member.Value, action);
                    break;
                case "Successful":
                    WriteList(writer, action + "ResultEntry", member.Value, action);
                    break;
                case "Failed":
                    WriteList(writer, "BatchResultErrorEntry", member.Value, action);
                    break;
                default:
                    WriteValue(writer, member.Name, member.Value, action);
                    break;
            }
        }
    }

    private static void WriteMap(XmlWriter writer, string entryName, string keyName, JsonElement map)
    {
        foreach (var entry in map.EnumerateObject())
        {
            writer.WriteStartElement(entryName, XmlNamespace);
            writer.WriteElementString(keyName, XmlNamespace, entry.Name);
            WriteValue(writer, "Value", entry.Value, "");
            writer.WriteEndElement();
        }
    }

    private static void WriteList(XmlWriter writer, string itemName, JsonElement list, string action)
    {
        foreach (var item in list.EnumerateArray()) WriteValue(writer, itemName, item, action);
    }

    private static void WriteValue(XmlWriter writer, string name, JsonElement value, string action)
    {
        writer.WriteStartElement(name, XmlNamespace);
        switch (value.ValueKind)
        {
            case JsonValueKind.Object: WriteMembers(writer, action, value); break;
            case JsonValueKind.String: writer.WriteString(value.GetString()); break;
            case JsonValueKind.True: writer.WriteString("true"); break;
            case JsonValueKind.False: writer.WriteString("false"); break;
            default: writer.WriteString(value.GetRawText()); break;
        }
        writer.WriteEndElement();
    }

    private static byte[] Write(Action<XmlWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), NewLineHandling = NewLineHandling.Entitize }))
        {
            write(writer);
        }
        return buffer.ToArray();
    }
}
