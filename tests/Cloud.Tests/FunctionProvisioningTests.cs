using System.Security.Cryptography;
using Amazon.Runtime;
using FaceRecognition.Cloud.Functions;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceRecognition.Cloud.Tests;

/// <summary>Provisioning deploys the topology's functions through the Lambda API (the emulator's here): created from
/// their packages, brought up to date when a package or a setting changes, left alone when nothing did, with their
/// event source mappings and reserved concurrency; a package over Lambda's 50 MB request limit goes through S3.</summary>
public sealed class FunctionProvisioningTests : IAsyncLifetime
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly EmulatorClients _cloud = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("facerec-packages-").FullName;
    private LambdaApi _lambda = null!;

    public async ValueTask InitializeAsync()
    {
        await _cloud.InitializeAsync();
        _lambda = LambdaApi.Create(_cloud.ServiceUrl.ToString(), "us-east-1", new BasicAWSCredentials(EmulatorClients.AccessKey, EmulatorClients.SecretKey));
    }

    public async ValueTask DisposeAsync()
    {
        _lambda.Dispose();
        await _cloud.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Functions_are_created_from_their_packages_with_settings_concurrency_and_mappings_and_a_second_run_changes_nothing()
    {
        var names = new TopologyNames("fnprov");
        var topology = SystemTopology.For(names);
        var packages = Packages(TestFunctionPackage.Zip(note: "one"));

        await Provision(topology, packages);
        var first = await _lambda.GetFunctionAsync(TopologyNames.FaceRecognitionFunction, _ct);
        await Provision(topology, packages);
        var second = await _lambda.GetFunctionAsync(TopologyNames.FaceRecognitionFunction, _ct);

        foreach (var function in topology.Functions)
        {
            var deployed = (await _lambda.GetFunctionAsync(function.Name, _ct))!;
            Assert.Equal(packages(function.Name).CodeSha256, deployed.Configuration.CodeSha256);
            Assert.Equal(function.TimeoutSeconds, deployed.Configuration.Timeout);
            Assert.Equal(function.MemoryMb, deployed.Configuration.MemorySize);
            Assert.Equal(names.Prefix, deployed.Configuration.Environment!.Variables["Cloud__Prefix"]);
            Assert.Equal(function.ReservedConcurrency, deployed.Concurrency?.ReservedConcurrentExecutions);
            var mapping = Assert.Single(await _lambda.ListEventSourceMappingsAsync(function.Name, _ct));
            var source = topology.EventSources.Single(e => e.Function == function.Name);
            Assert.EndsWith(":" + source.Queue, mapping.EventSourceArn, StringComparison.Ordinal);
            Assert.Equal(source.BatchSize, mapping.BatchSize);
            Assert.Equal(source.MaximumConcurrency, mapping.ScalingConfig?.MaximumConcurrency);
            Assert.Contains("ReportBatchItemFailures", mapping.FunctionResponseTypes!);
        }
        Assert.Equal(first!.Configuration.CodeSha256, second!.Configuration.CodeSha256);
    }

    [Fact]
    public async Task A_changed_package_or_setting_is_deployed_on_the_next_run()
    {
        var topology = SystemTopology.For(new TopologyNames("fnchange"));
        await Provision(topology, Packages(TestFunctionPackage.Zip(note: "before")));
        var changed = topology.WithFunctionChanged(TopologyNames.VideoSplitFunction, f => f with
        {
            TimeoutSeconds = 45,
            Environment = new Dictionary<string, string>(f.Environment) { ["VideoSplit__Mode"] = "sampled" },
        });
        var newPackages = Packages(TestFunctionPackage.Zip(note: "after"));

        await Provision(changed, newPackages);

        var deployed = (await _lambda.GetFunctionAsync(TopologyNames.VideoSplitFunction, _ct))!.Configuration;
        Assert.Equal(newPackages(TopologyNames.VideoSplitFunction).CodeSha256, deployed.CodeSha256);
        Assert.Equal(45, deployed.Timeout);
        Assert.Equal("sampled", deployed.Environment!.Variables["VideoSplit__Mode"]);
    }

    [Fact]
    public async Task A_package_over_50_MB_is_uploaded_to_the_artifacts_bucket_and_deployed_from_there()
    {
        var names = new TopologyNames("fnlarge");
        var large = TestFunctionPackage.Zip(paddingBytes: 51 * 1024 * 1024);
        var packages = Packages(large);

        await Provision(SystemTopology.For(names), packages);

        var deployed = (await _lambda.GetFunctionAsync(TopologyNames.FaceRecognitionFunction, _ct))!.Configuration;
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(large)), deployed.CodeSha256);
        var uploaded = (await _cloud.S3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = names.ArtifactsBucket }, _ct)).S3Objects ?? [];
        Assert.Contains(uploaded, o => o.Key.StartsWith($"lambda/{TopologyNames.FaceRecognitionFunction}/", StringComparison.Ordinal) && o.Size == large.Length);
    }

    private Task Provision(CloudTopology topology, Func<string, FunctionPackage> packages) =>
        new TopologyProvisioner(_cloud.S3, _cloud.Sqs, NullLogger.Instance)
            .ProvisionAsync(topology, new FunctionDeployment(_lambda, packages, function => $"arn:aws:iam::000000000000:role/{function}"), _ct);

    /// <summary>Every function deployed from this package (written to a file, as packages are).</summary>
    private Func<string, FunctionPackage> Packages(byte[] zip)
    {
        var path = Path.Combine(_folder, Convert.ToHexStringLower(SHA256.HashData(zip))[..16] + ".zip");
        File.WriteAllBytes(path, zip);
        var package = new FunctionPackage(path, Convert.ToBase64String(SHA256.HashData(zip)), zip.Length);
        return _ => package;
    }
}
