using FaceRecognition.AppHost.Functions;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;

namespace FaceRecognition.AppHost.Cloud;

public static class CloudExtensions
{
    public const string EmulatorName = "emulator";
    public const string LocalStackName = "localstack";
    public const string ProvisioningName = "cloud-provisioning";
    public const string AccessKeyParameter = "aws-access-key";
    public const string SecretKeyParameter = "aws-secret-key";

    /// <summary>The emulator's account (its default <c>Emulator:AccountId</c>), in local role and resource ARNs.</summary>
    public const string EmulatorAccount = "000000000000";

    /// <summary>Adds the backend <c>Cloud:Backend</c> names and the provisioning of the system's topology on it.</summary>
    public static CloudResource AddCloud(this IDistributedApplicationBuilder builder)
    {
        var settings = CloudSettings.From(builder.Configuration);
        IResourceBuilder<IResourceWithEndpoints>? server = null;
        IResourceBuilder<ParameterResource>? accessKey = null, secretKey = null;

        if (settings.Backend != CloudBackend.Aws)
        {
            // Generated on first run and kept in the AppHost's user secrets; Parameters:aws-access-key overrides.
            accessKey = builder.AddParameter(AccessKeyParameter, new GenerateParameterDefault { MinLength = 20, Lower = false, Special = false }, secret: true, persist: true);
            secretKey = builder.AddParameter(SecretKeyParameter, new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true, persist: true);
            server = settings.Backend == CloudBackend.Emulator
                ? builder.AddEmulator(settings, accessKey, secretKey)
                : builder.AddLocalStack(settings);
        }

        var provisioning = builder.AddResource(new CloudProvisioningResource(ProvisioningName))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Provisioning",
                State = KnownResourceStates.NotStarted,
                Properties = [new ResourcePropertySnapshot("Backend", settings.Backend.ToString()), new ResourcePropertySnapshot("Prefix", settings.Names.Prefix)],
            });
        if (server is not null) provisioning.WithParentRelationship(server);

        var packages = builder.AddFunctionPackages(RepositoryRoot());
        var cloud = new CloudResource(settings.Backend, settings.Region, settings.Names.Prefix, server, accessKey, secretKey, provisioning, packages,
            settings.Backend == CloudBackend.Emulator && settings.EnforceIam);
        var topology = FunctionSettings.Apply(SystemTopology.For(settings.Names), builder.Configuration);
        provisioning.AddCloudCommands(cloud, topology);
        builder.Eventing.Subscribe<InitializeResourceEvent>(provisioning.Resource, (e, cancellationToken) =>
        {
            // Runs in the background: initialisation must not block the other resources' start.
            _ = Task.Run(() => CloudProvisioning.RunAsync(cloud, topology, e.Services, e.Notifications, e.Logger), CancellationToken.None);
            return Task.CompletedTask;
        });
        return cloud;
    }

    /// <summary>The repository the AppHost was built from.</summary>
    public static string RepositoryRoot() => Lambdas.Packaging.PackageOptions.FindRepositoryRoot(Projects.AppHost.ProjectPath);

    /// <summary>Gives a service the endpoint, region and the keys of <paramref name="component"/>'s role (as <c>Aws__*</c>
    /// variables, which ServiceDefaults binds) and starts it only once provisioning has made the buckets and queues.</summary>
    public static IResourceBuilder<T> WithCloud<T>(this IResourceBuilder<T> service, CloudResource cloud, string component)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        service.WithEnvironment(SettingNames.Variable(SettingNames.Aws.Region), cloud.Region)
            .WithEnvironment(SettingNames.Variable(SettingNames.Cloud.Prefix), cloud.Prefix);
        if (cloud.Endpoint is { } endpoint)
        {
            service.WithEnvironment(SettingNames.Variable(SettingNames.Aws.ServiceUrl), endpoint)
                .WithEnvironment(async context =>
                {
                    var (accessKey, secretKey) = await cloud.CredentialsAsync(component, context.CancellationToken);
                    context.EnvironmentVariables[SettingNames.Variable(SettingNames.Aws.AccessKey)] = accessKey;
                    context.EnvironmentVariables[SettingNames.Variable(SettingNames.Aws.SecretKey)] = secretKey;
                });
        }
        // Like WaitForCompletion(provisioning), but only for the buckets and queues: the functions' deployment (and the
        // packages it waits for, minutes on a first run) goes on while the services start.
        return service.WithRelationship(cloud.Provisioning.Resource, "WaitFor").OnBeforeResourceStarted(async (resource, e, cancellationToken) =>
        {
            var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
            if (!cloud.BucketsAndQueuesReady.IsCompleted)
            {
                await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Waiting });
            }
            try
            {
                await cloud.BucketsAndQueuesReady.WaitAsync(cancellationToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw new DistributedApplicationException($"{resource.Name} needs the cloud, whose provisioning failed (see {ProvisioningName}): {failure.Message}", failure);
            }
        });
    }

    private static IResourceBuilder<IResourceWithEndpoints> AddEmulator(this IDistributedApplicationBuilder builder, CloudSettings settings,
        IResourceBuilder<ParameterResource> accessKey, IResourceBuilder<ParameterResource> secretKey)
    {
        var executable = BuiltProjects.Executable<Projects.Emulator>("FaceRecognition.Emulator");
        Directory.CreateDirectory(settings.EmulatorDataDirectory);
        var emulator = builder.AddExecutable(EmulatorName, executable, Path.GetDirectoryName(executable)!)
            // Not proxied: clients see the emulator's own port, which is also what queue URLs carry.
            .WithHttpEndpoint(port: settings.EmulatorPort, env: SettingNames.Variable(SettingNames.Emulator.Port), isProxied: false)
            .WithEnvironment(SettingNames.Variable(SettingNames.Emulator.Host), "localhost")
            .WithEnvironment(SettingNames.Variable(SettingNames.Emulator.DataDirectory), settings.EmulatorDataDirectory)
            .WithEnvironment(SettingNames.Variable(SettingNames.Emulator.Region), settings.Region)
            .WithEnvironment(SettingNames.Variable(SettingNames.Emulator.Credentials + ":0"), ReferenceExpression.Create($"{accessKey}:{secretKey}"))
            .WithEnvironment(async context =>
            {
                if (!settings.EnforceIam) return;
                // Each component's role: its own key pair and exactly the statements its role has on AWS.
                var administratorSecret = await secretKey.Resource.GetValueAsync(context.CancellationToken);
                for (var i = 0; i < SystemPermissions.Components.Count; i++)
                {
                    var component = SystemPermissions.Components[i];
                    var role = SystemPermissions.RoleName(settings.Names, component);
                    context.EnvironmentVariables[SettingNames.Variable(SettingNames.Emulator.Principal(i, "Name"))] = role;
                    context.EnvironmentVariables[SettingNames.Variable(SettingNames.Emulator.Principal(i, "Credential"))] = ComponentCredentials.Derive(administratorSecret!, role).ToString();
                    context.EnvironmentVariables[SettingNames.Variable(SettingNames.Emulator.Principal(i, "Policy"))] =
                        PermissionStatement.PolicyDocument(SystemPermissions.For(component, settings.Names), "aws", settings.Region, EmulatorAccount);
                }
            })
            .WithEnvironment(context =>
            {
                // How the emulator's Lambda runs functions (Emulator:Lambda:IdleTimeout, AsyncRetryDelay, ConcurrentExecutions).
                foreach (var setting in builder.Configuration.GetSection(SettingNames.Emulator.Lambda).GetChildren().Where(c => c.Value is not null))
                {
                    context.EnvironmentVariables[SettingNames.Variable($"{SettingNames.Emulator.Lambda}:{setting.Key}")] = setting.Value!;
                }
            })
            .WithHttpHealthCheck("/_emulator/health")
            .WithOtlpExporter()
            .WithFullyOptimisedCode();
        return emulator;
    }

    private static IResourceBuilder<IResourceWithEndpoints> AddLocalStack(this IDistributedApplicationBuilder builder, CloudSettings settings)
    {
        if (ContainerRuntime.Missing() is { } missing)
        {
            throw new DistributedApplicationException(
                $"Cloud:Backend=LocalStack needs a container runtime, but {missing}. Start Docker (or Podman), or use Cloud:Backend=Emulator, which needs neither.");
        }
        var token = builder.AddParameter("localstack-auth-token", secret: true);
        return builder.AddContainer(LocalStackName, settings.LocalStackImage, settings.LocalStackTag)
            .WithHttpEndpoint(port: settings.LocalStackPort, targetPort: 4566, isProxied: false)
            .WithEnvironment("LOCALSTACK_AUTH_TOKEN", token)
            // Lambda runs the functions' packages in containers of its own, through the host's container runtime.
            .WithEnvironment("SERVICES", "s3,sqs,lambda,cloudwatch,logs,iam,sts")
            .WithBindMount("/var/run/docker.sock", "/var/run/docker.sock")
            .WithEnvironment("AWS_DEFAULT_REGION", settings.Region)
            .WithHttpHealthCheck("/_localstack/health");
    }
}
