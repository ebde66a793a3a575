namespace FaceRecognition.Deploy;

/// <summary>What a deployment is made of beyond the topology: where the functions' packages and the tiers' builds are,
/// and the choices only AWS has.</summary>
/// <param name="PackageZips">Each function's deployment package (the zip <c>Lambdas/Packaging</c> built), by function name.</param>
/// <param name="TierZips">Each tier's build (<see cref="TierBuilds"/>), by tier name.</param>
/// <param name="LogRetentionDays">How long CloudWatch Logs keeps each function's and tier's log.</param>
/// <param name="FramesExpirationDays">Extracted frames (and votes) expire from the frames bucket after this long.</param>
/// <param name="AppTierInstances">App-tier instances (stopped until the autoscaler needs them); the original's 20.</param>
/// <param name="WebTierInstanceType">The web tier's EC2 instance type.</param>
/// <param name="AppTierInstanceType">Each app-tier instance's EC2 instance type (2 GiB holds the models and a request per core).</param>
/// <param name="WebTierPort">The web tier's HTTP port, the only one its security group opens.</param>
public sealed record DeploySettings(
    IReadOnlyDictionary<string, string> PackageZips,
    IReadOnlyDictionary<string, string> TierZips,
    int LogRetentionDays = 14,
    int FramesExpirationDays = 7,
    int AppTierInstances = 20,
    string WebTierInstanceType = "t3.small",
    string AppTierInstanceType = "t3.small",
    int WebTierPort = 80)
{
    public const int MaxAppTierInstances = 100;
}
