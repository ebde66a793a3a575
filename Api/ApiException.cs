using System.Net;

namespace FaceRecognition.Api;

/// <summary>The web tier refused or failed a request: its status and the reason it gave (the problem's detail).</summary>
public sealed class ApiException(HttpStatusCode status, string detail) : Exception($"{(int)status} {status}: {detail}")
{
    public HttpStatusCode Status { get; } = status;

    public string Detail { get; } = detail;
}
