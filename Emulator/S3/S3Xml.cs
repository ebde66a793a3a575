using System.Globalization;
using System.Text;
using System.Xml;

namespace FaceRecognition.Emulator.S3;

/// <summary>Writing S3's XML documents and reading the few that clients send.</summary>
internal static class S3Xml
{
    public const string Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    private static readonly XmlWriterSettings s_writerSettings = new()
    {
        Encoding = new UTF8Encoding(false),
        NewLineHandling = NewLineHandling.Entitize,
    };

    private static readonly XmlReaderSettings s_readerSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        IgnoreProcessingInstructions = true,
        MaxCharactersInDocument = 16 * 1024 * 1024,
    };

    public static byte[] Document(string root, Action<XmlWriter> writeBody)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, s_writerSettings))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement(root, Namespace);
            writeBody(writer);
            writer.WriteEndElement();
        }
        return buffer.ToArray();
    }

    public static void Element(this XmlWriter writer, string name, string? value)
    {
        if (value is not null) writer.WriteElementString(name, Namespace, value);
    }

    public static void Element(this XmlWriter writer, string name, long value) =>
        writer.WriteElementString(name, Namespace, value.ToString(CultureInfo.InvariantCulture));

    public static void Element(this XmlWriter writer, string name, bool value) =>
        writer.WriteElementString(name, Namespace, value ? "true" : "false");

    public static void Start(this XmlWriter writer, string name) => writer.WriteStartElement(name, Namespace);

    /// <summary>ISO 8601 with milliseconds, as S3 writes times in XML.</summary>
    public static string Time(long unixMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>RFC 1123, as S3 writes times in headers.</summary>
    public static string HttpTime(long unixMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    /// <summary>Parses a small document sent by a client into a tree of (name, text, children); names without namespace.</summary>
    public static XmlElementNode Parse(byte[] document)
    {
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(document), s_readerSettings);
            reader.MoveToContent();
            return ReadElement(reader, depth: 0);
        }
        catch (XmlException e)
        {
            throw S3Errors.MalformedXml(e.Message);
        }
    }

    private static XmlElementNode ReadElement(XmlReader reader, int depth)
    {
        if (depth > 16) throw S3Errors.MalformedXml("the document is nested too deeply.");
        var node = new XmlElementNode(reader.LocalName);
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return node;
        }
        reader.Read();
        var text = new StringBuilder();
        while (reader.NodeType != XmlNodeType.EndElement)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    node.Children.Add(ReadElement(reader, depth + 1));
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace:
                    text.Append(reader.Value);
                    reader.Read();
                    break;
                case XmlNodeType.None:
                    throw S3Errors.MalformedXml("the document ended inside an element.");
                default:
                    reader.Read();
                    break;
            }
        }
        reader.Read();
        node.Text = text.ToString();
        return node;
    }
}

internal sealed class XmlElementNode(string name)
{
    public string Name { get; } = name;
    public string Text { get; set; } = "";
    public List<XmlElementNode> Children { get; } = [];

    public XmlElementNode? Child(string name) => Children.FirstOrDefault(c => c.Name == name);

    public IEnumerable<XmlElementNode> All(string name) => Children.Where(c => c.Name == name);

    public string? ChildText(string name) => Child(name)?.Text;
}
