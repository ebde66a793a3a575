namespace FaceRecognition.Emulator.Auth;

/// <summary>What a verified request proved: who signed it, with which key and scope, and the seed signature that
/// chains the signatures of an aws-chunked body.</summary>
internal sealed record AuthContext(
    string AccessKey,
    byte[] SigningKey,
    string Timestamp,
    string Scope,
    string Signature,
    string Service,
    bool Presigned);

internal enum AuthFailureKind
{
    /// <summary>No signature at all (S3 <c>AccessDenied</c>, SQS <c>MissingAuthenticationToken</c>).</summary>
    Missing,
    Malformed,
    UnknownAccessKey,
    SignatureMismatch,
    ClockSkew,
    Expired,
}

/// <summary>Why a request was not authenticated; each service renders it with its own error code.</summary>
internal sealed class AuthFailure(AuthFailureKind kind, string message) : Exception(message)
{
    public AuthFailureKind Kind { get; } = kind;
}
