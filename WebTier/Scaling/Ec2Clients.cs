using Amazon.EC2;
using FaceRecognition.ServiceDefaults;

namespace FaceRecognition.WebTier.Scaling;

/// <summary>The EC2 client the autoscaler drives, wired as ServiceDefaults wires S3 and SQS (only the web tier needs EC2).</summary>
public static class Ec2Clients
{
    public static AmazonEC2Client Create(AwsOptions options)
    {
        var config = AwsClients.Endpoint(new AmazonEC2Config(), options);
        return AwsClients.Credentials(options) is { } credentials ? new AmazonEC2Client(credentials, config) : new AmazonEC2Client(config);
    }
}
