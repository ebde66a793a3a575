using System.Buffers;

namespace FaceRecognition.Emulator.Protocol;

/// <summary>Reads a whole, bounded request body (an SQS request, an S3 XML document) into one array.</summary>
internal static class RequestBody
{
    /// <param name="tooLarge">The service's own error for a body over <paramref name="limit"/> bytes.</param>
    public static async Task<byte[]> ReadAllAsync(HttpRequest request, int limit, Func<AwsException> tooLarge, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit) throw tooLarge();
        var reader = request.BodyReader;
        if (request.ContentLength is { } declared)
        {
            // The usual case: one exactly sized array, no intermediate buffer. Kestrel ends the body at its length.
            var result = await reader.ReadAtLeastAsync((int)declared + 1, cancellationToken);
            if (result.Buffer.Length != declared)
            {
                throw new AwsException(400, "IncompleteBody", "The request body does not have its declared length.") { QueryCode = "IncompleteBody" };
            }
            var body = result.Buffer.ToArray();
            reader.AdvanceTo(result.Buffer.End);
            return body;
        }
        using var buffer = new MemoryStream();
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            foreach (var segment in result.Buffer) buffer.Write(segment.Span);
            reader.AdvanceTo(result.Buffer.End);
            if (buffer.Length > limit) throw tooLarge();
            if (result.IsCompleted) return buffer.ToArray();
        }
    }
}
