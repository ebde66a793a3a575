using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using FaceRecognition.AppHost.Cloud;
using FaceRecognition.AppHost.Services;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.ServiceDefaults;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>
/// The system as ./run.sh starts it runs with least privilege: each component reaches the emulator with its own keys,
/// bound to its role's statements (the ones the deployed stack gives it), and is refused what its role does not allow.
/// </summary>
public sealed class LeastPrivilegeTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private static readonly TopologyNames s_names = new(TopologyNames.DefaultPrefix);

    [Fact]
    public async Task Each_component_works_with_its_own_roles_keys_and_is_refused_what_its_role_does_not_allow()
    {
        var data = Directory.CreateTempSubdirectory("facerec-e2e-").FullName;
        await using var run = await AppHostRun.StartAsync(data, _ct);
        await run.WebTierHealthy(_ct);

        // The image path works with these roles: the web tier's autoscaler starts an app-tier instance, which answers.
        using var http = new HttpClient { BaseAddress = run.WebTierUrl, Timeout = TimeSpan.FromMinutes(2) };
        var photo = await File.ReadAllBytesAsync(TestFiles.FaceApiDemo("sample1.jpg"), _ct);
        using var answer = await http.PostAsync(new Uri("/api/recognitions", UriKind.Relative), TestFiles.Form("file", photo, "sample1.jpg"), _ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

        var webTier = await ServiceKeys(run, ServiceExtensions.WebTierName);
        var appTier = await ServiceKeys(run, ServiceExtensions.AppTierPrefix + "1");
        var faceRecognition = await FunctionKeys(run, TopologyNames.FaceRecognitionFunction);
        Assert.Equal(4, new[] { AppHostRun.AccessKey, webTier.GetCredentials().AccessKey, appTier.GetCredentials().AccessKey, faceRecognition.GetCredentials().AccessKey }.Distinct().Count());

        // The app tier takes requests from the request queue; it may not delete the queue.
        using (var sqs = new AmazonSQSClient(appTier, new AmazonSQSConfig { ServiceURL = run.EmulatorUrl.ToString(), AuthenticationRegion = "us-east-1" }))
        {
            var queue = (await sqs.GetQueueUrlAsync(s_names.RequestQueue, _ct)).QueueUrl;
            var refused = await Assert.ThrowsAsync<AmazonSQSException>(() => sqs.DeleteQueueAsync(queue, _ct));
            Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), (refused.StatusCode, refused.ErrorCode));
            Assert.Contains($"assumed-role/{SystemPermissions.RoleName(s_names, SystemPermissions.AppTier)}", refused.Message, StringComparison.Ordinal);
        }
        using var adminSqs = run.Sqs();
        Assert.NotNull((await adminSqs.GetQueueUrlAsync(s_names.RequestQueue, _ct)).QueueUrl);

        // The face-recognition function reads the gallery (none yet: S3 may tell it so); it may not write it.
        using (var s3 = new AmazonS3Client(faceRecognition, new AmazonS3Config { ServiceURL = run.EmulatorUrl.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" }))
        {
            var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(s_names.GalleryBucket, TopologyNames.GalleryObjectKey, _ct));
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = s_names.GalleryBucket,
                Key = TopologyNames.GalleryObjectKey,
                ContentBody = "not a gallery",
            }, _ct));
            Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), (refused.StatusCode, refused.ErrorCode));
        }

        // The web tier starts this deployment's app-tier instances (it just did); not an instance without their tags.
        using var admin = run.EmulatorAdmin();
        using var registered = await admin.PostAsJsonAsync("_emulator/ec2/instances", new { tags = new Dictionary<string, string> { ["Name"] = "untagged-instance" } }, _ct);
        registered.EnsureSuccessStatusCode();
        var untagged = (string)(await registered.Content.ReadFromJsonAsync<JsonObject>(_ct))!["instanceId"]!;
        using (var ec2 = new AmazonEC2Client(webTier, new AmazonEC2Config { ServiceURL = run.EmulatorUrl.ToString(), AuthenticationRegion = "us-east-1" }))
        {
            var refused = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [untagged] }, _ct));
            Assert.Equal((HttpStatusCode.Forbidden, "UnauthorizedOperation"), (refused.StatusCode, refused.ErrorCode));
        }
        var instances = await admin.GetFromJsonAsync<JsonArray>("_emulator/ec2/instances", _ct);
        Assert.Equal("stopped", (string?)instances!.Single(i => (string?)i!["instanceId"] == untagged)!["state"]);
    }

    /// <summary>The keys the AppHost gives a service (its <c>Aws__*</c> variables).</summary>
    private async Task<BasicAWSCredentials> ServiceKeys(AppHostRun run, string resource)
    {
        var environment = await ResourceEnvironment.ReadAsync(run.App, resource, _ct);
        return new BasicAWSCredentials(environment[SettingNames.Variable(SettingNames.Aws.AccessKey)], environment[SettingNames.Variable(SettingNames.Aws.SecretKey)]);
    }

    /// <summary>The keys the emulator gives a function: those of the principal named as its role.</summary>
    private async Task<BasicAWSCredentials> FunctionKeys(AppHostRun run, string function)
    {
        var environment = await ResourceEnvironment.ReadAsync(run.App, CloudExtensions.EmulatorName, _ct);
        var role = SystemPermissions.RoleName(s_names, function);
        var index = environment.Single(v => v.Key.StartsWith("Emulator__Principals__", StringComparison.Ordinal) && v.Key.EndsWith("__Name", StringComparison.Ordinal) && v.Value == role)
            .Key["Emulator__Principals__".Length..^"__Name".Length];
        var pair = environment[$"Emulator__Principals__{index}__Credential"].Split(':');
        return new BasicAWSCredentials(pair[0], pair[1]);
    }
}
