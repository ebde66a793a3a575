using System.Text;
using System.Text.RegularExpressions;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Sqs;

/// <summary>SQS's rules for what a message may contain.</summary>
internal static partial class MessageValidation
{
    private const int MaxAttributes = 10;

    [GeneratedRegex(@"^(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.\-]{1,256}$")]
    private static partial Regex AttributeNamePattern();

    [GeneratedRegex(@"^(String|Number|Binary)(\.[A-Za-z0-9_.\-]{1,249})?$")]
    private static partial Regex DataTypePattern();

    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")]
    private static partial Regex NumberPattern();

    /// <summary>Characters SQS accepts: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.</summary>
    public static bool HasOnlyAllowedCharacters(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= 0x20 && c < 0xD800) continue;
            if (c is '\t' or '\n' or '\r') continue;
            if (c >= 0xE000 && c <= 0xFFFD) continue;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            return false;
        }
        return true;
    }

    public static Dictionary<string, MessageAttributeValue>? Attributes(Dictionary<string, MessageAttributeDto>? attributes)
    {
        if (attributes is null || attributes.Count == 0) return null;
        if (attributes.Count > MaxAttributes)
        {
            throw SqsErrors.InvalidParameterValue($"Number of message attributes [{attributes.Count}] exceeds the allowed maximum [{MaxAttributes}].");
        }
        var result = new Dictionary<string, MessageAttributeValue>(StringComparer.Ordinal);
        foreach (var (name, value) in attributes)
        {
            if (!AttributeNamePattern().IsMatch(name) || name.StartsWith("AWS.", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Amazon.", StringComparison.OrdinalIgnoreCase))
            {
                throw SqsErrors.InvalidParameterValue($"Message attribute name '{name}' is invalid: use letters, digits, '_', '-' and '.', not starting with AWS. or Amazon.");
            }
            result[name] = Attribute(name, value);
        }
        return result;
    }

    private static MessageAttributeValue Attribute(string name, MessageAttributeDto? value)
    {
        var dataType = value?.DataType;
        if (dataType is null || !DataTypePattern().IsMatch(dataType))
        {
            throw SqsErrors.InvalidParameterValue($"The message attribute '{name}' must have a DataType of String, Number or Binary (optionally with a .suffix).");
        }
        if (dataType.StartsWith("Binary", StringComparison.Ordinal))
        {
            if (value!.BinaryValue is null || value.BinaryValue.Length == 0 || value.StringValue is not null)
            {
                throw SqsErrors.InvalidParameterValue($"The message attribute '{name}' with type '{dataType}' must use field 'BinaryValue', and only it.");
            }
            return new MessageAttributeValue(dataType, null, value.BinaryValue);
        }
        if (string.IsNullOrEmpty(value!.StringValue) || value.BinaryValue is not null)
        {
            throw SqsErrors.InvalidParameterValue($"The message attribute '{name}' with type '{dataType}' must use field 'StringValue', and only it.");
        }
        if (!HasOnlyAllowedCharacters(value.StringValue))
        {
            throw SqsErrors.InvalidParameterValue($"The message attribute '{name}' contains characters SQS does not allow.");
        }
        if (dataType.StartsWith("Number", StringComparison.Ordinal) && !NumberPattern().IsMatch(value.StringValue))
        {
            throw SqsErrors.InvalidParameterValue($"The message attribute '{name}' has type Number but its value '{value.StringValue}' is not a number.");
        }
        return new MessageAttributeValue(dataType, value.StringValue, null);
    }

    public static string? TraceHeader(Dictionary<string, MessageAttributeDto>? systemAttributes)
    {
        if (systemAttributes is null || systemAttributes.Count == 0) return null;
        foreach (var (name, value) in systemAttributes)
        {
            if (name != "AWSTraceHeader" || value.DataType != "String" || string.IsNullOrEmpty(value.StringValue))
            {
                throw SqsErrors.InvalidParameterValue($"Message system attribute '{name}' is not supported: only AWSTraceHeader, of type String.");
            }
        }
        return systemAttributes["AWSTraceHeader"].StringValue;
    }

    /// <summary>The size SQS counts against MaximumMessageSize: the body plus every attribute's name, type and value.</summary>
    public static long Size(string body, Dictionary<string, MessageAttributeValue>? attributes)
    {
        long size = Encoding.UTF8.GetByteCount(body);
        if (attributes is null) return size;
        foreach (var (name, value) in attributes)
        {
            size += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value.DataType);
            size += value.BinaryValue?.Length ?? Encoding.UTF8.GetByteCount(value.StringValue ?? "");
        }
        return size;
    }
}
