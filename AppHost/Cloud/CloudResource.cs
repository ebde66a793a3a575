namespace FaceRecognition.AppHost.Cloud;

/// <summary>
/// What services need to reach the cloud: the endpoint (none on AWS), region and key pair, plus the provisioning step
/// they wait for. Made by <see cref="CloudExtensions.AddCloud"/>, applied to a service by <see cref="CloudExtensions.WithCloud"/>.
/// </summary>
public sealed class CloudResource
{
    internal CloudResource(CloudBackend backend, string region, string prefix, IResourceBuilder<IResourceWithEndpoints>? server,
        IResourceBuilder<ParameterResource>? accessKey, IResourceBuilder<ParameterResource>? secretKey,
        IResourceBuilder<CloudProvisioningResource> provisioning, IResourceBuilder<Functions.FunctionPackagesResource> packages)
    {
        Packages = packages;
        Backend = backend;
        Region = region;
        Prefix = prefix;
        Server = server;
        AccessKey = accessKey;
        SecretKey = secretKey;
        Provisioning = provisioning;
    }

    public CloudBackend Backend { get; }

    public string Region { get; }

    public string Prefix { get; }

    /// <summary>The emulator or LocalStack; null on AWS.</summary>
    public IResourceBuilder<IResourceWithEndpoints>? Server { get; }

    public IResourceBuilder<ParameterResource>? AccessKey { get; }

    public IResourceBuilder<ParameterResource>? SecretKey { get; }

    public IResourceBuilder<CloudProvisioningResource> Provisioning { get; }

    /// <summary>The step that builds the functions' deployment packages, which provisioning deploys.</summary>
    public IResourceBuilder<Functions.FunctionPackagesResource> Packages { get; }

    public EndpointReference? Endpoint => Server?.GetEndpoint("http");
}

/// <summary>The one-shot step that creates buckets, queues and notifications; shown in the dashboard, and what services
/// <c>WaitForCompletion</c> of.</summary>
public sealed class CloudProvisioningResource(string name) : Resource(name);
