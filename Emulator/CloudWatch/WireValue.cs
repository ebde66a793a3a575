using System.Formats.Cbor;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;

namespace FaceRecognition.Emulator.CloudWatch;

/// <summary>
/// A request or response of a CloudWatch operation, whichever of its three protocols carried it: structures, lists,
/// strings, numbers and timestamps. Readers make one from a CBOR body (smithy RPC v2), a JSON body (AWS JSON 1.0) or
/// query parameters; writers render one back in the protocol the client spoke.
/// </summary>
internal abstract record WireValue
{
    public virtual WireValue? this[string member] => null;

    public string? Text => this is WireString s ? s.Value : this is WireNumber n ? n.Value.ToString(CultureInfo.InvariantCulture) : null;

    public IReadOnlyList<WireValue> Items => this is WireList list ? list.Values : [];

    public double? Number => this switch
    {
        WireNumber n => n.Value,
        WireString s when double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
        _ => null,
    };

    /// <summary>A timestamp: epoch seconds (CBOR, JSON) or ISO 8601 text (query).</summary>
    public DateTimeOffset? Time => this switch
    {
        WireTime t => t.Value,
        WireNumber n => DateTimeOffset.FromUnixTimeMilliseconds((long)(n.Value * 1000)),
        WireString s when DateTimeOffset.TryParse(s.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var v) => v,
        _ => null,
    };
}

internal sealed record WireStructure(List<KeyValuePair<string, WireValue>> Members) : WireValue
{
    public WireStructure() : this(new List<KeyValuePair<string, WireValue>>()) { }

    public override WireValue? this[string member] => Members.FirstOrDefault(m => m.Key == member).Value;

    public WireStructure Add(string member, WireValue? value)
    {
        if (value is not null) Members.Add(KeyValuePair.Create(member, value));
        return this;
    }
}

internal sealed record WireList(List<WireValue> Values) : WireValue;

internal sealed record WireString(string Value) : WireValue;

internal sealed record WireNumber(double Value) : WireValue;

internal sealed record WireTime(DateTimeOffset Value) : WireValue;

internal static class WireProtocols
{
    public static WireValue ReadCbor(byte[] body)
    {
        if (body.Length == 0) return new WireStructure();
        var reader = new CborReader(body, CborConformanceMode.Lax);
        return ReadCbor(reader);
    }

    private static WireValue ReadCbor(CborReader reader)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.StartMap:
                var structure = new WireStructure();
                var count = reader.ReadStartMap();
                for (var i = 0; count is null ? reader.PeekState() != CborReaderState.EndMap : i < count; i++)
                {
                    var name = reader.ReadTextString();
                    if (reader.PeekState() == CborReaderState.Null)
                    {
                        reader.ReadNull();
                        continue;
                    }
                    structure.Add(name, ReadCbor(reader));
                }
                reader.ReadEndMap();
                return structure;
            case CborReaderState.StartArray:
                var items = new List<WireValue>();
                var length = reader.ReadStartArray();
                for (var i = 0; length is null ? reader.PeekState() != CborReaderState.EndArray : i < length; i++) items.Add(ReadCbor(reader));
                reader.ReadEndArray();
                return new WireList(items);
            case CborReaderState.Tag:
                var tag = reader.ReadTag();
                var value = ReadCbor(reader);
                return tag == CborTag.UnixTimeSeconds && value.Number is { } seconds
                    ? new WireTime(DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)))
                    : value;
            case CborReaderState.TextString:
                return new WireString(reader.ReadTextString());
            case CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger:
                return new WireNumber(reader.ReadInt64());
            case CborReaderState.HalfPrecisionFloat or CborReaderState.SinglePrecisionFloat or CborReaderState.DoublePrecisionFloat:
                return new WireNumber(reader.ReadDouble());
            case CborReaderState.Boolean:
                return new WireString(reader.ReadBoolean() ? "true" : "false");
            default:
                throw new FormatException($"Unexpected CBOR item {reader.PeekState()}.");
        }
    }

    public static WireValue ReadJson(byte[] body)
    {
        if (body.Length == 0) return new WireStructure();
        using var document = JsonDocument.Parse(body);
        return FromJson(document.RootElement);
    }

    private static WireValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new WireStructure([.. element.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).Select(p => KeyValuePair.Create(p.Name, FromJson(p.Value)))]),
        JsonValueKind.Array => new WireList([.. element.EnumerateArray().Select(FromJson)]),
        JsonValueKind.Number => new WireNumber(element.GetDouble()),
        JsonValueKind.True => new WireString("true"),
        JsonValueKind.False => new WireString("false"),
        _ => new WireString(element.GetString() ?? ""),
    };

    /// <summary>Query parameters (<c>MetricDataQueries.member.1.Id=q1</c>) as a structure: <c>member.N</c> are list items.</summary>
    public static WireValue ReadQuery(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var root = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters)
        {
            var keys = new List<string>();
            var segments = name.Split('.');
            for (var i = 0; i < segments.Length; i++)
            {
                keys.Add(segments[i] == "member" && i + 1 < segments.Length ? $"member.{segments[++i]}" : segments[i]);
            }
            var node = root;
            foreach (var key in keys.Take(keys.Count - 1))
            {
                if (!node.TryGetValue(key, out var child) || child is not Dictionary<string, object> next)
                {
                    node[key] = next = new Dictionary<string, object>(StringComparer.Ordinal);
                }
                node = next;
            }
            node[keys[^1]] = value;
        }
        return FromQuery(root);
    }

    private static WireValue FromQuery(object node)
    {
        if (node is string text) return new WireString(text);
        var members = (Dictionary<string, object>)node;
        if (members.Count > 0 && members.Keys.All(k => k.StartsWith("member.", StringComparison.Ordinal)))
        {
            return new WireList([.. members.OrderBy(m => int.TryParse(m.Key[7..], CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue).Select(m => FromQuery(m.Value))]);
        }
        return new WireStructure([.. members.Select(m => KeyValuePair.Create(m.Key, FromQuery(m.Value)))]);
    }

    public static byte[] WriteCbor(WireValue value)
    {
        var writer = new CborWriter(CborConformanceMode.Lax, convertIndefiniteLengthEncodings: true);
        WriteCbor(writer, value);
        return writer.Encode();
    }

    private static void WriteCbor(CborWriter writer, WireValue value)
    {
        switch (value)
        {
            case WireStructure structure:
                writer.WriteStartMap(structure.Members.Count);
                foreach (var (name, member) in structure.Members)
                {
                    writer.WriteTextString(name);
                    WriteCbor(writer, member);
                }
                writer.WriteEndMap();
                break;
            case WireList list:
                writer.WriteStartArray(list.Values.Count);
                foreach (var item in list.Values) WriteCbor(writer, item);
                writer.WriteEndArray();
                break;
            case WireString s:
                writer.WriteTextString(s.Value);
                break;
            case WireNumber n:
                writer.WriteDouble(n.Value);
                break;
            case WireTime t:
                writer.WriteTag(CborTag.UnixTimeSeconds);
                writer.WriteDouble(t.Value.ToUnixTimeMilliseconds() / 1000.0);
                break;
        }
    }

    public static byte[] WriteJson(WireValue value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) WriteJson(writer, value);
        return buffer.ToArray();
    }

    private static void WriteJson(Utf8JsonWriter writer, WireValue value)
    {
        switch (value)
        {
            case WireStructure structure:
                writer.WriteStartObject();
                foreach (var (name, member) in structure.Members)
                {
                    writer.WritePropertyName(name);
                    WriteJson(writer, member);
                }
                writer.WriteEndObject();
                break;
            case WireList list:
                writer.WriteStartArray();
                foreach (var item in list.Values) WriteJson(writer, item);
                writer.WriteEndArray();
                break;
            case WireString s:
                writer.WriteStringValue(s.Value);
                break;
            case WireNumber n:
                writer.WriteNumberValue(n.Value);
                break;
            case WireTime t:
                writer.WriteNumberValue(t.Value.ToUnixTimeMilliseconds() / 1000.0);
                break;
        }
    }

    /// <summary>The query protocol's answer: <c>&lt;{Action}Response&gt;&lt;{Action}Result&gt;…</c>, lists as <c>member</c> elements.</summary>
    public static byte[] WriteXml(string action, WireValue result, string requestId)
    {
        var builder = new StringBuilder();
        using (var writer = XmlWriter.Create(builder, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            writer.WriteStartElement(action + "Response", "http://monitoring.amazonaws.com/doc/2010-08-01/");
            writer.WriteStartElement(action + "Result");
            if (result is WireStructure structure)
            {
                foreach (var (name, member) in structure.Members) WriteXml(writer, name, member);
            }
            writer.WriteEndElement();
            writer.WriteStartElement("ResponseMetadata");
            writer.WriteElementString("RequestId", requestId);
            writer.WriteEndElement();
            writer.WriteEndElement();
        }
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static void WriteXml(XmlWriter writer, string name, WireValue value)
    {
        writer.WriteStartElement(name);
        switch (value)
        {
            case WireStructure structure:
                foreach (var (member, child) in structure.Members) WriteXml(writer, member, child);
                break;
            case WireList list:
                foreach (var item in list.Values) WriteXml(writer, "member", item);
                break;
            case WireString s:
                writer.WriteString(s.Value);
                break;
            case WireNumber n:
                writer.WriteString(n.Value.ToString("R", CultureInfo.InvariantCulture));
                break;
            case WireTime t:
                writer.WriteString(t.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                break;
        }
        writer.WriteEndElement();
    }
}
