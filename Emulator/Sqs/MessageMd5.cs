using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Sqs;

/// <summary>The MD5 digests SQS returns and SDKs check: of the body, and of the message attributes in SQS's encoding.</summary>
internal static class MessageMd5
{
    public static string OfBody(string body)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(body.Length);
        if (maxBytes <= 4096)
        {
            Span<byte> buffer = stackalloc byte[maxBytes];
            var length = Encoding.UTF8.GetBytes(body, buffer);
            return Convert.ToHexStringLower(MD5.HashData(buffer[..length]));
        }
        return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(body)));
    }

    /// <summary>For each attribute, in ordinal name order: length-prefixed name, length-prefixed data type, a transport
    /// byte (1 string, 2 binary) and the length-prefixed value; the MD5 of it all, in hex.</summary>
    public static string? OfAttributes(IReadOnlyDictionary<string, MessageAttributeValue>? attributes)
    {
        if (attributes is null || attributes.Count == 0) return null;
        using var buffer = new MemoryStream();
        foreach (var name in attributes.Keys.Order(StringComparer.Ordinal))
        {
            var value = attributes[name];
            WriteLengthPrefixed(buffer, Encoding.UTF8.GetBytes(name));
            WriteLengthPrefixed(buffer, Encoding.UTF8.GetBytes(value.DataType));
            if (value.BinaryValue is not null)
            {
                buffer.WriteByte(2);
                WriteLengthPrefixed(buffer, value.BinaryValue);
            }
            else
            {
                buffer.WriteByte(1);
                WriteLengthPrefixed(buffer, Encoding.UTF8.GetBytes(value.StringValue ?? ""));
            }
        }
        return Convert.ToHexStringLower(MD5.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    private static void WriteLengthPrefixed(MemoryStream buffer, ReadOnlySpan<byte> data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        buffer.Write(length);
        buffer.Write(data);
    }
}
