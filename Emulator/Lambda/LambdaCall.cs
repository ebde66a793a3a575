using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FaceRecognition.Emulator.Auth;
using FaceRecognition.Emulator.Protocol;

namespace FaceRecognition.Emulator.Lambda;

/// <summary>One Lambda API call: the HTTP exchange, its body (already read: it is part of the signature), who signed it.</summary>
internal sealed class LambdaCall(HttpContext http, RequestTarget target, byte[] body, string requestId, AuthContext auth)
{
    public HttpContext Http { get; } = http;
    public RequestTarget Target { get; } = target;
    public byte[] Body { get; } = body;
    public string RequestId { get; } = requestId;
    public AuthContext Auth { get; } = auth;
    public CancellationToken Aborted => Http.RequestAborted;

    public string? Header(string name) => Http.Request.Headers[name] is { Count: > 0 } values ? values.ToString() : null;

    /// <summary>The JSON body as <typeparamref name="T"/> (an empty body is an empty object).</summary>
    public T Read<T>(JsonTypeInfo<T> type) where T : new()
    {
        if (Body.Length == 0) return new T();
        try
        {
            return JsonSerializer.Deserialize(Body, type) ?? new T();
        }
        catch (JsonException e)
        {
            throw LambdaErrors.InvalidJson(e.Message);
        }
    }

    public async Task Json<T>(int status, T value, JsonTypeInfo<T> type)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, type);
        Http.Response.StatusCode = status;
        Http.Response.ContentType = "application/json";
        Http.Response.ContentLength = bytes.Length;
        await Http.Response.Body.WriteAsync(bytes, Aborted);
    }

    public void NoContent() => Http.Response.StatusCode = StatusCodes.Status204NoContent;
}
