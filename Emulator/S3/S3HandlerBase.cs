using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.S3;

/// <summary>The stores and helpers S3 handlers share.</summary>
internal abstract class S3HandlerBase(EmulatorState state, EmulatorOptions options, TimeProvider clock, EventPublisher events)
{
    protected EmulatorState State { get; } = state;

    protected EmulatorOptions Options { get; } = options;

    protected EventPublisher Events { get; } = events;

    protected long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The bucket, or NoSuchBucket. Call under the state lock.</summary>
    protected Bucket BucketLocked(string name) => State.Buckets.GetValueOrDefault(name) ?? throw S3Errors.NoSuchBucket(name);

    protected void RequireBucket(string name)
    {
        lock (State.Lock) BucketLocked(name);
    }

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
