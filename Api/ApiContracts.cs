namespace FaceRecognition.Api;

/// <summary>A face in an answer: box (x, y, width, height in pixels), detector score, identity and descriptor distance
/// (recognitions), and when asked its 68 landmarks as x, y pairs (136 numbers, dlib/iBUG order).</summary>
public sealed record ApiFace(float[] Box, float Score, string? Name, float? Distance, float[]? Landmarks);

/// <summary>Milliseconds the app tier spent on a request.</summary>
public sealed record ApiTimings(double Download, double Recognize, double Store, double Total);

/// <summary>The answer of <c>POST /api/recognitions</c>: the answer, every face (most confident first) with its name
/// and distance, the threshold used (model mode), the picture's size, upright, and which face the answer is about (an
/// index in <paramref name="Faces"/>; null when no face was found, or it is past maxFaces).</summary>
public sealed record RecognitionResponse(string RequestId, string Stem, string Answer, string Kind, ApiFace[] Faces, ApiTimings? Timings,
    float? Threshold = null, int? Width = null, int? Height = null, int? AnswerFace = null);

/// <summary>The answer stored in the output bucket for a stem.</summary>
public sealed record StoredResult(string Stem, string Name);

/// <summary>A face found: box, detector score, and its 68 landmarks as x, y pairs when asked.</summary>
public sealed record DetectedFace(float[] Box, float Score, float[]? Landmarks);

/// <summary>The answer of <c>POST /api/detections</c>: the picture's size (upright) and its faces, most confident first.</summary>
public sealed record DetectionResponse(string RequestId, string Stem, int Width, int Height, DetectedFace[] Faces, ApiTimings? Timings);

/// <summary>The answer of <c>POST /api/verifications</c>: the distance between the faces (the first picture's face and
/// the second's, or the identity's mean face), whether it is within the threshold, and the faces compared.</summary>
public sealed record VerificationResponse(string RequestId, float Distance, bool SamePerson, float Threshold, string? Identity,
    DetectedFace First, DetectedFace? Second, ApiTimings? Timings);

public sealed record EnrollmentResponse(string RequestId, string Name, int Enrolled, string[] Skipped, string[] FaceIds);

public sealed record IdentitySummary(string Name, int Faces);

/// <summary>An enrolled face: its id, when it was enrolled (null for faces from before ids were kept), the name of the
/// picture it came from, and the address of its thumbnail.</summary>
public sealed record FaceSummary(string Id, DateTimeOffset? EnrolledAt, string Source, string Thumbnail);

public sealed record IdentityDetails(string Name, FaceSummary[] Faces);

public sealed record InstanceState(string Name, string Id, string State);

public sealed record QueueState(string Name, bool DeadLetter, int Visible, int InFlight);

/// <param name="Subject">The picture's key, or the identity enrolled or forgotten.</param>
/// <param name="Outcome">The answer (a name, or the kind of reply), or the error code.</param>
public sealed record RecentRequest(string Id, string Mode, string Subject, DateTimeOffset At, double Milliseconds, string Outcome);

/// <summary>The answer of <c>GET /api/system</c>.</summary>
/// <param name="Problems">What could not be read, and why (the rest is shown all the same).</param>
public sealed record SystemState(InstanceState[] Instances, QueueState[] Queues, RecentRequest[] Recent, string[] Problems);
