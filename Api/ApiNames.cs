namespace FaceRecognition.Api;

/// <summary>The names clients send: form fields, the key's header, query parameters.</summary>
public static class ApiNames
{
    /// <summary>The original contract's field (<c>POST /</c>).</summary>
    public const string OriginalField = "inputFile";

    /// <summary>The picture of <c>POST /api/recognitions</c> and <c>POST /api/detections</c>.</summary>
    public const string FileField = "file";

    /// <summary><c>POST /api/verifications</c>: the first picture, the second one, or the identity to compare with.</summary>
    public const string FirstField = "first";
    public const string SecondField = "second";
    public const string IdentityField = "identity";

    public const string ApiKeyHeader = "X-Api-Key";

    public const string Threshold = "threshold";
    public const string MaxFaces = "maxFaces";
    public const string Landmarks = "landmarks";

    /// <summary><c>POST /api/detections</c>: the picture back with its faces drawn, as <c>png</c> or <c>jpeg</c>.</summary>
    public const string Draw = "draw";
    public const string Format = "format";
}
