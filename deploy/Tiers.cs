using System.Globalization;
using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.S3.Assets;
using Constructs;
using FaceRecognition.Cloud.Topology;

namespace FaceRecognition.Deploy;

/// <summary>
/// The image path's tiers on EC2, as the original ran them: one web-tier instance serving HTTP, and app-tier instances
/// tagged <c>app-tier-instance-N</c> that the web tier's autoscaler starts and stops through the EC2 API, as it does
/// locally (its code does not change; only its configuration turns it on). Each tier's build is a CDK asset (in the
/// CDK's asset bucket, the deployment's artifacts), run by systemd; each tier has its own role and log group.
/// </summary>
internal static class Tiers
{
    public const string WebTierUrlOutput = "WebTierUrl";

    public static void Create(Construct scope, TopologyNames names, DeploySettings settings)
    {
        if (settings.AppTierInstances is < 1 or > DeploySettings.MaxAppTierInstances)
        {
            throw new ArgumentException($"App-tier instances: 1 to {DeploySettings.MaxAppTierInstances}, not {settings.AppTierInstances}.", nameof(settings));
        }
        var vpc = Network.Create(scope);
        var image = MachineImage.LatestAmazonLinux2023();
        var shared = new Dictionary<string, string>
        {
            ["Cloud__Prefix"] = names.Prefix,
            ["Aws__Region"] = Aws.REGION,
            // Fully optimised from the first request, as the AppHost runs the services.
            ["DOTNET_TieredCompilation"] = "0",
            ["DOTNET_ReadyToRun"] = "0",
            // Traces to the CloudWatch agent, which sends them to X-Ray.
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "http://127.0.0.1:4317",
        };

        var appTier = Tier(scope, TierDefinition.App, SystemPermissions.AppTier, names, settings);
        var appTierGroup = Network.AppTier(scope, vpc);
        for (var n = 1; n <= settings.AppTierInstances; n++)
        {
            var name = "app-tier-instance-" + n.ToString(CultureInfo.InvariantCulture);
            var instance = new Instance_(scope, name, new InstanceProps
            {
                InstanceName = name,
                Vpc = vpc,
                VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PUBLIC },
                InstanceType = new InstanceType(settings.AppTierInstanceType),
                MachineImage = image,
                SecurityGroup = appTierGroup,
                Role = appTier.Role,
                RequireImdsv2 = true,
                // A new build is a new instance: cloud-init runs the script that installs it at an instance's first boot only.
                UserDataCausesReplacement = true,
                UserData = TierUserData.Render(TierDefinition.App, appTier.Build.S3ObjectUrl, appTier.LogGroup,
                    new Dictionary<string, string>(shared) { ["OTEL_SERVICE_NAME"] = name }, stopWhenInstalled: true),
            });
            Tags.Of(instance).Add(SystemPermissions.DeploymentTag, names.Prefix);
        }

        var webTier = Tier(scope, TierDefinition.Web, SystemPermissions.WebTier, names, settings);
        var web = new Instance_(scope, "web-tier", new InstanceProps
        {
            InstanceName = SystemPermissions.WebTierInstanceName,
            Vpc = vpc,
            VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PUBLIC },
            InstanceType = new InstanceType(settings.WebTierInstanceType),
            MachineImage = image,
            SecurityGroup = Network.WebTier(scope, vpc, settings.WebTierPort),
            Role = webTier.Role,
            RequireImdsv2 = true,
            UserDataCausesReplacement = true,
            UserData = TierUserData.Render(TierDefinition.Web, webTier.Build.S3ObjectUrl, webTier.LogGroup, new Dictionary<string, string>(shared)
            {
                ["OTEL_SERVICE_NAME"] = "web-tier",
                ["ASPNETCORE_HTTP_PORTS"] = settings.WebTierPort.ToString(CultureInfo.InvariantCulture),
                ["Scaling__Enabled"] = "true",
                ["Scaling__MaxInstances"] = settings.AppTierInstances.ToString(CultureInfo.InvariantCulture),
                ["Scaling__InstanceNamePattern"] = SystemPermissions.AppTierNamePattern,
            }, stopWhenInstalled: false),
        });
        Tags.Of(web).Add(SystemPermissions.DeploymentTag, names.Prefix);

        _ = new CfnOutput(scope, WebTierUrlOutput, new CfnOutputProps
        {
            Value = $"http://{web.InstancePublicDnsName}" + (settings.WebTierPort == 80 ? "/" : $":{settings.WebTierPort}/"),
            Description = "The web tier (POST / with inputFile, /scalar for the API)",
        });
    }

    private sealed record TierResources(Role Role, Asset Build, string LogGroup);

    /// <summary>A tier's build asset, log group and role: the tier's statements (<see cref="SystemPermissions"/>) and
    /// reading its own build.</summary>
    private static TierResources Tier(Construct scope, TierDefinition tier, string component, TopologyNames names, DeploySettings settings)
    {
        if (!settings.TierZips.TryGetValue(tier.Name, out var zip) || !File.Exists(zip))
        {
            throw new InvalidOperationException($"No build of the {tier.Name} (expected {zip ?? "a zip"}); ./deploy.sh builds it.");
        }
        var build = new Asset(scope, tier.Name + "-build", new AssetProps { Path = zip });
        var logGroupName = SystemPermissions.LogGroup(names, component);
        _ = new LogGroup(scope, tier.Name + "-log", new LogGroupProps
        {
            LogGroupName = logGroupName,
            Retention = Functions.Retention(settings.LogRetentionDays),
            RemovalPolicy = RemovalPolicy.DESTROY,
        });
        var readOwnBuild = new PolicyStatement(new PolicyStatementProps
        {
            Sid = "ReadOwnBuild",
            Effect = Effect.ALLOW,
            Actions = ["s3:GetObject"],
            Resources = [$"arn:{Aws.PARTITION}:s3:::{build.S3BucketName}/{build.S3ObjectKey}"],
        });
        var role = new Role(scope, tier.Name + "-role", new RoleProps
        {
            RoleName = SystemPermissions.RoleName(names, component),
            Description = $"The {tier.Name} instances: only what its code does.",
            AssumedBy = new ServicePrincipal("ec2.amazonaws.com"),
            InlinePolicies = new Dictionary<string, PolicyDocument>
            {
                ["least-privilege"] = new(new PolicyDocumentProps { Statements = [.. Statements.For(component, names), readOwnBuild] }),
            },
        });
        return new TierResources(role, build, logGroupName);
    }
}
