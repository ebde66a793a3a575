using System.Diagnostics;
using System.Net;
using Amazon.S3.Model;
using Amazon.SQS.Model;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using FaceRecognition.AppHost.Cloud;
using FaceRecognition.AppHost.Services;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;

namespace FaceRecognition.EndToEnd.Tests;

public sealed class AppHostTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheAppHostStartsAHealthyEmulatorAndProvisionsTheTopology()
    {
        var data = Directory.CreateTempSubdirectory("facerec-e2e-").FullName;
        await using var run = await AppHostRun.StartAsync(data, _ct);
        Assert.Equal(KnownResourceStates.Finished, await run.ProvisioningState(_ct));

        using var http = new HttpClient();
        var health = await http.GetAsync(new Uri(run.EmulatorUrl, "/_emulator/health"), _ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        var names = new TopologyNames(TopologyNames.DefaultPrefix);
        var topology = SystemTopology.For(names);
        using var s3 = run.S3();
        using var sqs = run.Sqs();
        var buckets = (await s3.ListBucketsAsync(_ct)).Buckets.Select(b => b.BucketName).ToHashSet();
        Assert.All(topology.Buckets, b => Assert.Contains(b.Name, buckets));
        var requestQueue = (await sqs.GetQueueUrlAsync(names.RequestQueue, _ct)).QueueUrl;
        Assert.Equal(1024, (await sqs.GetQueueAttributesAsync(requestQueue, ["MaximumMessageSize"], _ct)).MaximumMessageSize);

        // The provisioned notification turns an upload into an event for the video-splitting function (whose event source
        // mapping consumes the queue): it refuses bytes that are no video, and the event ends in its dead-letter queue.
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = names.VideoInputBucket, Key = "test_00.mp4", ContentBody = "video bytes" }, _ct);
        var deadLetters = (await sqs.GetQueueUrlAsync(names.VideoSplitDeadLetterQueue, _ct)).QueueUrl;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        Message? deadLetter = null;
        while (deadLetter is null && DateTime.UtcNow < deadline)
        {
            var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = deadLetters, WaitTimeSeconds = 5 }, _ct);
            deadLetter = received.Messages?.FirstOrDefault();
        }
        Assert.NotNull(deadLetter);
        Assert.Contains("test_00.mp4", deadLetter.Body, StringComparison.Ordinal);

        Assert.StartsWith(data, Directory.GetFiles(data, "emulator.db").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAwsCliWorksAgainstTheAppHostsEmulatorWithTheEnvironmentCloudEnvPrints()
    {
        var aws = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "aws")).FirstOrDefault(File.Exists);
        if (aws is null) Assert.Skip("no AWS CLI on PATH (install awscli; ./test.sh does)");
        var data = Directory.CreateTempSubdirectory("facerec-e2e-cli-").FullName;
        await using var run = await AppHostRun.StartAsync(data, _ct);
        // The AppHost's user secrets as its first run leaves them (in a home of the test's own).
        var home = Directory.CreateTempSubdirectory("facerec-e2e-home-").FullName;
        var secrets = Directory.CreateDirectory(Path.Combine(home, ".microsoft", "usersecrets", "facerecognition-apphost-5f1d2c3e")).FullName;
        await File.WriteAllTextAsync(Path.Combine(secrets, "secrets.json"),
            $$"""{ "Parameters:{{CloudExtensions.AccessKeyParameter}}": "{{AppHostRun.AccessKey}}", "Parameters:{{CloudExtensions.SecretKeyParameter}}": "{{AppHostRun.SecretKey}}" }""", _ct);

        var script = Path.Combine(CloudExtensions.RepositoryRoot(), "scripts", "cloud-env.sh");
        var info = new ProcessStartInfo("bash", ["-c", $"eval \"$('{script}' '{run.EmulatorUrl.ToString().TrimEnd('/')}')\" && exec '{aws}' s3 ls"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["HOME"] = home;
        info.Environment["DOTNET_CLI_HOME"] = Environment.GetEnvironmentVariable("HOME") ?? home;
        info.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync(_ct) + await process.StandardError.ReadToEndAsync(_ct);
        await process.WaitForExitAsync(_ct);
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("facerec-in-bucket", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataAndCredentialsPersistAcrossAppHostRuns()
    {
        var data = Directory.CreateTempSubdirectory("facerec-e2e-restart-").FullName;
        await using (var first = await AppHostRun.StartAsync(data, _ct))
        {
            first.DeleteDataOnDispose = false;
            using var s3 = first.S3();
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "facerec-gallery", Key = "kept.txt", ContentBody = "still here" }, _ct);
        }
        await using var second = await AppHostRun.StartAsync(data, _ct);
        Assert.Equal(KnownResourceStates.Finished, await second.ProvisioningState(_ct));
        using var s3Again = second.S3();
        using var get = await s3Again.GetObjectAsync("facerec-gallery", "kept.txt", _ct);
        Assert.Equal("still here", await new StreamReader(get.ResponseStream).ReadToEndAsync(_ct));
    }

    [Fact]
    public async Task TheLocalStackBackendWithoutAContainerRuntimeFailsAtStartSayingWhatIsMissing()
    {
        if (ContainerRuntime.Missing() is null) Assert.Skip("a container runtime answers here, so LocalStack would start: nothing to refuse");
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--Cloud:Backend=LocalStack"], _ct);
            await using var app = await builder.BuildAsync(_ct);
        });
        var message = Flatten(error);
        Assert.Contains("needs a container runtime", message, StringComparison.Ordinal);
        Assert.Contains("Cloud:Backend=Emulator", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownBackendIsRefusedWithTheChoices()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--Cloud:Backend=Azure"], _ct);
            await using var app = await builder.BuildAsync(_ct);
        });
        Assert.Contains("use Emulator, LocalStack or Aws", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAwsBackendWithoutAPrefixOfItsOwnIsRefusedWithGuidance()
    {
        foreach (var arguments in new[] { new[] { "--Cloud:Backend=Aws" }, ["--Cloud:Backend=Aws", "--Cloud:Prefix=facerec"] })
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(arguments, _ct);
                await using var app = await builder.BuildAsync(_ct);
            });
            var message = Flatten(error);
            Assert.Contains("Cloud:Prefix of your own", message, StringComparison.Ordinal);
            Assert.Contains("./deploy.sh --prefix", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheAwsBackendRunsNoEmulatorAndStillProvisions()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--Cloud:Backend=Aws", "--Cloud:Prefix=facerec-tests"], _ct);
        await using var app = await builder.BuildAsync(_ct);
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        Assert.DoesNotContain(model.Resources, r => r.Name is CloudExtensions.EmulatorName or CloudExtensions.LocalStackName);
        Assert.Contains(model.Resources, r => r.Name == CloudExtensions.ProvisioningName);
        Assert.DoesNotContain(model.Resources, r => r.Name == CloudExtensions.AccessKeyParameter);
    }

    [Fact]
    public async Task EachComponentGetsItsOwnRolesKeysUnlessIamEnforcementIsOff()
    {
        string[] fixedKeys = ["--Parameters:aws-access-key=AKIAAPPHOSTTEST00001", "--Parameters:aws-secret-key=apphost-test-secret"];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(fixedKeys, _ct);
        await using (var app = await builder.BuildAsync(_ct))
        {
            var emulator = await ResourceEnvironment.ReadRawAsync(app, CloudExtensions.EmulatorName, _ct);
            var principals = new Dictionary<string, (string Credential, string Policy)>();
            for (var i = 0; emulator.ContainsKey($"Emulator__Principals__{i}__Name"); i++)
            {
                principals[(string)emulator[$"Emulator__Principals__{i}__Name"]] =
                    ((string)emulator[$"Emulator__Principals__{i}__Credential"], (string)emulator[$"Emulator__Principals__{i}__Policy"]);
            }
            var names = new TopologyNames(TopologyNames.DefaultPrefix);
            Assert.Equal(SystemPermissions.Components.Select(c => SystemPermissions.RoleName(names, c)).Order(), principals.Keys.Order());
            Assert.Equal(4, principals.Values.Select(p => p.Credential).Distinct().Count());
            Assert.DoesNotContain(principals.Values, p => p.Credential.StartsWith("AKIAAPPHOSTTEST00001", StringComparison.Ordinal));
            Assert.Contains("\"ec2:StartInstances\"", principals[SystemPermissions.RoleName(names, SystemPermissions.WebTier)].Policy, StringComparison.Ordinal);

            foreach (var (resource, component) in new[] { (ServiceExtensions.WebTierName, SystemPermissions.WebTier), ($"{ServiceExtensions.AppTierPrefix}1", SystemPermissions.AppTier) })
            {
                var environment = await ResourceEnvironment.ReadRawAsync(app, resource, _ct);
                var keys = $"{environment[SettingNames.Variable(SettingNames.Aws.AccessKey)]}:{environment[SettingNames.Variable(SettingNames.Aws.SecretKey)]}";
                Assert.Equal(principals[SystemPermissions.RoleName(names, component)].Credential, keys);
            }
        }

        builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>([.. fixedKeys, "--Emulator:EnforceIam=false"], _ct);
        await using (var app = await builder.BuildAsync(_ct))
        {
            Assert.DoesNotContain((await ResourceEnvironment.ReadRawAsync(app, CloudExtensions.EmulatorName, _ct)).Keys, k => k.StartsWith("Emulator__Principals__", StringComparison.Ordinal));
            var webTier = await ResourceEnvironment.ReadRawAsync(app, ServiceExtensions.WebTierName, _ct);
            Assert.Equal("AKIAAPPHOSTTEST00001", webTier[SettingNames.Variable(SettingNames.Aws.AccessKey)]);
        }
    }

    [Theory]
    [InlineData("built", "0")]
    [InlineData("project", null)]
    public async Task Built_services_run_fully_optimised_from_the_first_request_and_projects_stay_debuggable(string launch, string? expected)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Cloud:Backend=Aws", "--Cloud:Prefix=facerec-tests", $"--Services:Launch={launch}"], _ct);
        await using var app = await builder.BuildAsync(_ct);

        foreach (var name in new[] { FaceRecognition.AppHost.Services.ServiceExtensions.WebTierName, $"{FaceRecognition.AppHost.Services.ServiceExtensions.AppTierPrefix}1" })
        {
            var environment = await ResourceEnvironment.ReadAsync(app, name, _ct);
            Assert.Equal(expected, environment.GetValueOrDefault("DOTNET_TieredCompilation"));
            // The framework's precompiled code is kept in both modes: setting it aside cost start-up and saved nothing.
            Assert.False(environment.ContainsKey("DOTNET_ReadyToRun"));
        }
    }

    private static string Flatten(Exception error) => error is AggregateException aggregate
        ? string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(Flatten))
        : error.InnerException is null ? error.Message : error.Message + " | " + Flatten(error.InnerException);
}
