namespace FaceRecognition.Deploy;

/// <summary>What a deployment is made of beyond the topology: where the functions' packages are, and the choices only
/// AWS has (how long logs and extracted frames are kept).</summary>
/// <param name="PackageZips">Each function's deployment package (the zip <c>Lambdas/Packaging</c> built), by function name.</param>
/// <param name="LogRetentionDays">How long CloudWatch Logs keeps each function's log.</param>
/// <param name="FramesExpirationDays">Extracted frames (and votes) expire from the frames bucket after this long.</param>
public sealed record DeploySettings(IReadOnlyDictionary<string, string> PackageZips, int LogRetentionDays = 14, int FramesExpirationDays = 7);
