using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceRecognition.Cloud.Messaging;

/// <summary>
/// What a request asks: recognise with the models, answer from the label table (infrastructure runs at full speed),
/// enrol the pictures under a key prefix as faces of <see cref="RecognitionRequest.Name"/>, forget that identity (or
/// one face of it), find the faces of a picture without naming them, or tell whether two pictures (or a picture and an
/// identity) show the same person. Enrolling and forgetting are app-tier jobs, so the app tier is the one component
/// that writes the gallery.
/// </summary>
public static class RecognitionMode
{
    public const string Model = "model";
    public const string Lookup = "lookup";
    public const string Enroll = "enroll";
    public const string Forget = "forget";
    public const string Detect = "detect";
    public const string Verify = "verify";

    /// <summary>The modes a deployment runs in (configuration): model or lookup.</summary>
    public static bool IsServiceMode(string? mode) => mode is Model or Lookup;

    public static bool IsKnown(string? mode) => mode is Model or Lookup or Enroll or Forget or Detect or Verify;

    /// <summary>The modes that must name an identity (<see cref="RecognitionRequest.Name"/>).</summary>
    public static bool NamesIdentity(string? mode) => mode is Enroll or Forget;
}

/// <summary>
/// Web tier -> app tier, on the request queue (which refuses anything over 1 KB: the picture itself is in S3).
/// <c>V</c> is the contract version; a consumer refuses versions it does not know.
/// </summary>
/// <param name="Key">The picture; for <see cref="RecognitionMode.Enroll"/> the key prefix under which the pictures are.</param>
/// <param name="Name">Enrolment and forgetting: the identity; verification: the identity to compare with (or <paramref name="SecondKey"/>).</param>
/// <param name="SecondKey">Verification: the second picture, in the same bucket.</param>
/// <param name="FaceId">Forgetting: only this face of the identity.</param>
/// <param name="Threshold">Recognition and verification: the largest descriptor distance that counts as the same person (default: the app tier's).</param>
/// <param name="MaxFaces">Recognition and detection: at most this many faces, the most confident first.</param>
/// <param name="Landmarks">Recognition and detection: give each face's 68 landmarks.</param>
/// <param name="Draw">Detection: also store the picture with its faces drawn, as <c>png</c> or <c>jpeg</c>.</param>
public sealed record RecognitionRequest(int V, string Id, string Bucket, string Key, string ReplyQueue, string Mode, string? Name = null,
    string? SecondKey = null, string? FaceId = null, float? Threshold = null, int? MaxFaces = null, bool? Landmarks = null, string? Draw = null)
{
    public const int Version = 1;
    public const float MaxThreshold = 2f;
    public const int MaxFacesLimit = 100;
}

/// <summary>App tier -> the waiting web-tier instance: the answer, or an error saying what went wrong.</summary>
/// <param name="Notes">Enrolment: the pictures that were not used and why.</param>
/// <param name="Enrolled">Enrolment: faces added to the identity.</param>
/// <param name="FaceIds">Enrolment: the ids of the faces added.</param>
/// <param name="Threshold">Recognition and verification: the threshold used.</param>
/// <param name="Verification">Verification: the answer.</param>
/// <param name="DrawnKey">Detection with drawing: the drawn picture, in the request's bucket.</param>
/// <param name="Width">The picture's width in pixels, upright (recognition and detection).</param>
/// <param name="Height">The picture's height in pixels, upright.</param>
/// <param name="AnswerFace">Recognition: the index in <paramref name="Faces"/> of the face the answer is about.</param>
public sealed record RecognitionReply(int V, string Id, string? Name, string? Kind, ReplyFace[]? Faces, ReplyTimings? Timings,
    ReplyError? Error, string[]? Notes = null, int? Enrolled = null, string[]? FaceIds = null, float? Threshold = null,
    ReplyVerification? Verification = null, string? DrawnKey = null, int? Width = null, int? Height = null, int? AnswerFace = null)
{
    public static RecognitionReply Failure(string id, string code, string message) =>
        new(RecognitionRequest.Version, id, null, null, null, null, new ReplyError(code, message));
}

/// <summary>A face in a reply: box (x, y, width, height in pixels), detector score, identity and descriptor distance
/// (recognition only), and when asked its 68 landmarks as x, y pairs (136 numbers, dlib/iBUG order).</summary>
public sealed record ReplyFace(float[] Box, float Score, string? Name, float? Distance, float[]? Landmarks = null);

/// <summary>A verification's answer: the descriptor distance, whether it is within the threshold, and the threshold;
/// the faces compared (each picture's answer face; the second is null when compared with an identity).</summary>
public sealed record ReplyVerification(float Distance, bool SamePerson, float Threshold, ReplyFace First, ReplyFace? Second);

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
    /// <summary>Forgetting or verification: the identity (or the face) is not enrolled (the web tier answers 404).</summary>
    public const string NotEnrolled = "not-enrolled";
    /// <summary>Verification: a picture shows no face (the web tier answers 422).</summary>
    public const string NoFaceInPicture = "no-face-in-picture";
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
            || string.IsNullOrEmpty(request.ReplyQueue) || !RecognitionMode.IsKnown(request.Mode))
        {
            throw new InvalidDataException("Request lacks id, bucket, key or reply queue, or names an unknown mode.");
        }
        var nameNeeded = RecognitionMode.NamesIdentity(request.Mode);
        var verifiesTwo = request.Mode == RecognitionMode.Verify;
        if ((nameNeeded && request.Name is null) || (!nameNeeded && !verifiesTwo && request.Name is not null)
            || (verifiesTwo && (request.Name is null) == (request.SecondKey is null)) || (!verifiesTwo && request.SecondKey is not null)
            || (request.FaceId is not null && request.Mode != RecognitionMode.Forget))
        {
            throw new InvalidDataException("Request names an identity, a second picture or a face where its mode does not take one (or lacks one it needs).");
        }
        if (request.Threshold is { } threshold && !(threshold > 0 && threshold <= RecognitionRequest.MaxThreshold))
        {
            throw new InvalidDataException($"Threshold {threshold} is out of range (0, {RecognitionRequest.MaxThreshold}].");
        }
        if (request.MaxFaces is < 1 or > RecognitionRequest.MaxFacesLimit || request.Draw is not (null or "png" or "jpeg"))
        {
            throw new InvalidDataException($"MaxFaces must be 1 to {RecognitionRequest.MaxFacesLimit}, and Draw png or jpeg.");
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
[JsonSerializable(typeof(ReplyVerification))]
internal sealed partial class MessageJsonContext : JsonSerializerContext;
