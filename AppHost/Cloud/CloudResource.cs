using Amazon.Runtime;
using FaceRecognition.Cloud;
using FaceRecognition.Cloud.Topology;

namespace FaceRecognition.AppHost.Cloud;

/// <summary>
/// What services need to reach the cloud: the endpoint (none on AWS), region and key pair, plus the provisioning step
/// whose buckets and queues they wait for. Made by <see cref="CloudExtensions.AddCloud"/>, applied to a service by <see cref="CloudExtensions.WithCloud"/>.
/// </summary>
public sealed class CloudResource
{
    private readonly TaskCompletionSource _bucketsAndQueues = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal CloudResource(CloudBackend backend, string region, string prefix, IResourceBuilder<IResourceWithEndpoints>? server,
        IResourceBuilder<ParameterResource>? accessKey, IResourceBuilder<ParameterResource>? secretKey,
        IResourceBuilder<CloudProvisioningResource> provisioning, IResourceBuilder<Functions.FunctionPackagesResource> packages, bool enforcesIam)
    {
        EnforcesIam = enforcesIam;
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

    /// <summary>Completes when provisioning has made the buckets and queues, all the services need to start (the functions
    /// are deployed after them); faults if provisioning fails before.</summary>
    public Task BucketsAndQueuesReady => _bucketsAndQueues.Task;

    internal void ReportBucketsAndQueuesReady() => _bucketsAndQueues.TrySetResult();

    internal void ReportBucketsAndQueuesFailed(Exception reason) => _bucketsAndQueues.TrySetException(reason);

    /// <summary>The step that builds the functions' deployment packages, which provisioning deploys.</summary>
    public IResourceBuilder<Functions.FunctionPackagesResource> Packages { get; }

    public EndpointReference? Endpoint => Server?.GetEndpoint("http");

    /// <summary>Whether each component reaches the emulator with its own keys, limited to its role's permissions
    /// (<c>Emulator:EnforceIam</c>, on by default); otherwise every component uses the administrator's keys.</summary>
    public bool EnforcesIam { get; }

    /// <summary>The administrator's key pair (the emulator's or LocalStack's).</summary>
    public async Task<BasicAWSCredentials> AdministratorAsync(CancellationToken cancellationToken) =>
        new(await AccessKey!.Resource.GetValueAsync(cancellationToken), await SecretKey!.Resource.GetValueAsync(cancellationToken));

    /// <summary>The key pair <paramref name="component"/> (one of <see cref="SystemPermissions.Components"/>) uses: its own
    /// when IAM is enforced, else the administrator's.</summary>
    public async Task<(string AccessKey, string SecretKey)> CredentialsAsync(string component, CancellationToken cancellationToken)
    {
        var administrator = (await AdministratorAsync(cancellationToken)).GetCredentials();
        if (!EnforcesIam) return (administrator.AccessKey, administrator.SecretKey);
        var own = ComponentCredentials.Derive(administrator.SecretKey, SystemPermissions.RoleName(new TopologyNames(Prefix), component));
        return (own.AccessKey, own.SecretKey);
    }

    /// <summary>How an AWS SDK client of the AppHost's own (provisioning, reaping) reaches the cloud: the endpoint and the
    /// administrator's keys locally, the default credential chain on AWS.</summary>
    public async Task<ServiceDefaults.AwsOptions> AdministratorOptionsAsync(CancellationToken cancellationToken) => Endpoint is null
        ? new ServiceDefaults.AwsOptions { Region = Region }
        : new ServiceDefaults.AwsOptions
        {
            ServiceUrl = Endpoint.Url,
            Region = Region,
            AccessKey = await AccessKey!.Resource.GetValueAsync(cancellationToken),
            SecretKey = await SecretKey!.Resource.GetValueAsync(cancellationToken),
        };

    /// <summary>An SQS client with the administrator's keys (dashboard commands, reaping reply queues).</summary>
    public async Task<Amazon.SQS.AmazonSQSClient> AdministratorSqsAsync(CancellationToken cancellationToken) =>
        ServiceDefaults.AwsClients.CreateSqs(await AdministratorOptionsAsync(cancellationToken));

    /// <summary>A client of the emulator's own endpoints (<c>/_emulator/…</c>), signed with the administrator's key as they require.</summary>
    public async Task<HttpClient> AdminClientAsync(CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        SignedHttp.Create(new Uri(Endpoint!.Url), await AdministratorAsync(cancellationToken), Region, "emulator", timeout);
}

/// <summary>The one-shot step that creates buckets, queues and notifications, then deploys the functions; shown in the
/// dashboard. Services wait for its first part (<see cref="CloudResource.BucketsAndQueuesReady"/>).</summary>
public sealed class CloudProvisioningResource(string name) : Resource(name);
