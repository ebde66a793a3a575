using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace FaceRecognition.Emulator.Sqs;

/// <summary>Names one receive of one message: the queue, the message's sequence number and a nonce that changes at each
/// receive (so a handle from an earlier receive is recognisably stale). Opaque to clients, as on AWS.</summary>
internal readonly record struct ReceiptHandle(string Queue, long Sequence, string Nonce)
{
    public override string ToString() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Sequence}:{Nonce}:{Queue}")));

    public static string NewNonce() => Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64()));

    public static ReceiptHandle Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) throw SqsErrors.MissingParameter("ReceiptHandle");
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split(':', 3);
            if (parts.Length == 3 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) && parts[1].Length == 16)
            {
                return new ReceiptHandle(parts[2], sequence, parts[1]);
            }
        }
        catch (FormatException)
        {
        }
        throw SqsErrors.ReceiptHandleIsInvalid(text);
    }
}
