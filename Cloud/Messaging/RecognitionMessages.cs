using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceRecognition.Cloud.Messaging;

/// <summary>
/// What a request asks: recognise with the models, answer from the label table (infrastructure runs at full speed),
/// enrol the pictures under a key prefix as faces of <see cref="RecognitionRequest.Name"/>, or forget that identity.
/// Enrolling and forgetting are app-tier jobs, so the app tier is the one component that writes the gallery.
/// </summary>
public static class RecognitionMode
{
    public const string Model = "model";
    public const string Lookup = "lookup";
    public const string Enroll = "enroll";
    public const string Forget = "forget";

    /// <summary>The modes a deployment runs in (configuration): model or lookup.</summary>
    public static bool IsServiceMode(string? mode) => mode is Model or Lookup;

    public static bool IsKnown(string? mode) => mode is Model or Lookup or Enroll or Forget;

    /// <summary>The modes that name an identity (<see cref="RecognitionRequest.Name"/>).</summary>
    public static bool NamesIdentity(string? mode) => mode is Enroll or Forget;
}

/// <summary>
/// Web tier -> app tier, on the request queue (which refuses anything over 1 KB: the picture itself is in S3).
/// <c>V</c> is the contract version; a consumer refuses versions it does not know.
/// </summary>
/// <param name="Key">The picture; for <see cref="RecognitionMode.Enroll"/> the key prefix under which the pictures are.</param>
/// <param name="Name">Enrolment and forgetting only: the identity.</param>
public sealed record RecognitionRequest(int V, string Id, string Bucket, string Key, string ReplyQueue, string Mode, string? Name = null)
{
    public const int Version = 1;
}

/// <summary>App tier -> the waiting web-tier instance: the answer, or an error saying what went wrong.</summary>
/// <param name="Notes">Enrolment: the pictures that were not used and why.</param>
/// <param name="Enrolled">Enrolment: faces added to the identity.</param>
public sealed record RecognitionReply(int V, string Id, string? Name, string? Kind, ReplyFace[]? Faces, ReplyTimings? Timings,
    ReplyError? Error, string[]? Notes = null, int? Enrolled = null)
{
    public static RecognitionReply Failure(string id, string code, string message) =>
        new(RecognitionRequest.Version, id, null, null, null, null, new ReplyError(code, message));
}

/// <summary>A face in a reply: box (x, y, width, height in pixels), detector score, identity and descriptor distance.</summary>
public sealed record ReplyFace(float[] Box, float Score, string Name, float? Distance);

/// <summary>Milliseconds the app tier spent on the request.</summary>
public sealed record ReplyTimings(double Download, double Recognize, double Store, double Total);

/// <summary>Why a request failed: <see cref="Code"/> is one of <see cref="ReplyErrorCodes"/>.</summary>
public sealed record ReplyError(string Code, string Message);

public static class ReplyErrorCodes
{
    /// <summary>The object is not a usable picture (the web tier answers 415).</summary>
    public const string BadImage = "bad-image";
    /// <summary>The stem is not in the lookup table (the web tier answers 404).</summary>
    public const string NotInTable = "not-in-table";
    /// <summary>Enrolment: no picture showed exactly one face (the web tier answers 422).</summary>
    public const string NoFace = "no-face";
    /// <summary>Forgetting: the identity is not enrolled (the web tier answers 404).</summary>
    public const string NotEnrolled = "not-enrolled";
    /// <summary>The request could not be processed after every retry (the web tier answers 502).</summary>
    public const string Failed = "failed";
}

/// <summary>Serialises the contracts with System.Text.Json source generation (camelCase, nulls omitted).</summary>
public static class RecognitionMessages
{
    public static string Serialize(RecognitionRequest request) => JsonSerializer.Serialize(request, MessageJsonContext.Default.RecognitionRequest);

    public static string Serialize(RecognitionReply reply) => JsonSerializer.Serialize(reply, MessageJsonContext.Default.RecognitionReply);

    /// <exception cref="InvalidDataException">Not a request this version understands; the message says why.</exception>
    public static RecognitionRequest ParseRequest(string body)
    {
        var request = Parse(body, MessageJsonContext.Default.RecognitionRequest);
        if (request.V != RecognitionRequest.Version)
        {
            throw new InvalidDataException($"Request contract version {request.V} is not supported (expected {RecognitionRequest.Version}).");
        }
        if (string.IsNullOrEmpty(request.Id) || string.IsNullOrEmpty(request.Bucket) || string.IsNullOrEmpty(request.Key)
            || string.IsNullOrEmpty(request.ReplyQueue) || !RecognitionMode.IsKnown(request.Mode)
            || RecognitionMode.NamesIdentity(request.Mode) != (request.Name is not null))
        {
            throw new InvalidDataException("Request lacks id, bucket, key or reply queue, names an unknown mode, or has a name without enrolling or forgetting.");
        }
        return request;
    }

    /// <exception cref="InvalidDataException">Not a reply; the message says why.</exception>
    public static RecognitionReply ParseReply(string body)
    {
        var reply = Parse(body, MessageJsonContext.Default.RecognitionReply);
        return string.IsNullOrEmpty(reply.Id) ? throw new InvalidDataException("Reply without an id.") : reply;
    }

    private static T Parse<T>(string body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw new InvalidDataException("Empty message.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Message is not valid JSON for {typeof(T).Name}: {e.Message}", e);
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RecognitionRequest))]
[JsonSerializable(typeof(RecognitionReply))]
internal sealed partial class MessageJsonContext : JsonSerializerContext;
