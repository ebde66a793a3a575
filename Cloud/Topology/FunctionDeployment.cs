using FaceRecognition.Cloud.Functions;

namespace FaceRecognition.Cloud.Topology;

/// <summary>A function's deployment package: the zip and the SHA-256 (base64) Lambda reports for it.</summary>
public sealed record FunctionPackage(string ZipPath, string CodeSha256, long Size)
{
    /// <summary>Lambda takes a zip of up to 50 MB in the request; a larger one is uploaded to S3 first.</summary>
    public const long MaxDirectUploadBytes = 52_428_800;
}

/// <summary>What deploying the topology's functions needs beyond the SDK clients: the Lambda API, each function's
/// package, and the execution role it runs with.</summary>
public sealed record FunctionDeployment(LambdaApi Lambda, Func<string, FunctionPackage> Package, Func<string, string> RoleArn);
