using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.S3;

/// <summary>The stores and helpers S3 handlers share.</summary>
internal abstract class S3HandlerBase(EmulatorStore store, S3Store s3, EmulatorOptions options, TimeProvider clock, EventPublisher events)
{
    protected EmulatorStore Store { get; } = store;

    protected S3Store S3 { get; } = s3;

    protected EmulatorOptions Options { get; } = options;

    protected EventPublisher Events { get; } = events;

    protected long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Throws NoSuchBucket unless the bucket exists.</summary>
    protected void RequireBucket(string name) => Store.Read(() => S3.GetBucket(name));

    protected static async Task WriteXml(S3Request request, byte[] document, int status = StatusCodes.Status200OK)
    {
        request.Response.StatusCode = status;
        request.Response.ContentType = "application/xml";
        request.Response.ContentLength = document.Length;
        await request.Response.Body.WriteAsync(document, request.Aborted);
    }

    protected static string Quoted(string etag) => "\"" + etag + "\"";

    protected static string Unquoted(string etag) => etag.Trim().Trim('"');
}
