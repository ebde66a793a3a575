using Amazon.CDK.AWS.EC2;
using Constructs;

namespace FaceRecognition.Deploy;

/// <summary>The instances' network: a VPC of public subnets in two availability zones and no NAT gateway (nothing
/// that costs while idle); instances reach S3, SQS and EC2 over their public addresses, and only the web tier's
/// security group lets anything in.</summary>
internal static class Network
{
    public static Vpc Create(Construct scope) => new(scope, "network", new VpcProps
    {
        MaxAzs = 2,
        NatGateways = 0,
        SubnetConfiguration = [new SubnetConfiguration { Name = "public", SubnetType = SubnetType.PUBLIC, CidrMask = 24 }],
    });

    /// <summary>The web tier's HTTP port from anywhere, nothing else.</summary>
    public static SecurityGroup WebTier(Construct scope, Vpc vpc, int port)
    {
        var group = new SecurityGroup(scope, "web-tier-sg", new SecurityGroupProps
        {
            Vpc = vpc,
            Description = $"FaceRecognition web tier: HTTP on port {port} only",
            AllowAllOutbound = true,
        });
        group.AddIngressRule(Peer.AnyIpv4(), Port.Tcp(port), "HTTP");
        return group;
    }

    /// <summary>Nothing in: app-tier instances only call out (SQS, S3).</summary>
    public static SecurityGroup AppTier(Construct scope, Vpc vpc) => new(scope, "app-tier-sg", new SecurityGroupProps
    {
        Vpc = vpc,
        Description = "FaceRecognition app tier: no inbound traffic",
        AllowAllOutbound = true,
    });
}
