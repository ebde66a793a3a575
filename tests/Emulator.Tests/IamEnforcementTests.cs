using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.Emulator.Tests.Support;
using FaceRecognition.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

/// <summary>An emulator with an administrator and one principal whose policy allows a little: the principal is refused
/// everything else in each service's own error shape, the administrator nothing.</summary>
public sealed class IamEnforcementTests : IAsyncLifetime
{
    private const string Admin = "AKIAIAMADMIN00000001";
    private const string AdminSecret = "iam-admin-secret";
    private const string Reader = "AKIAIAMREADER0000001";
    private const string ReaderSecret = "iam-reader-secret";
    private const string Account = "000000000000";

    private const string Policy = """
        {"Version":"2012-10-17","Statement":[
          {"Sid":"ReadPublic","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::iam-data/public/*"},
          {"Sid":"NotTheSecret","Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::iam-data/public/secret*"},
          {"Sid":"Upload","Effect":"Allow","Action":["s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::iam-data/uploads/*"},
          {"Sid":"ListPublic","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::iam-data","Condition":{"StringLike":{"s3:prefix":"public/*"}}},
          {"Sid":"Listed","Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::iam-listed","arn:aws:s3:::iam-listed/*"]},
          {"Sid":"Work","Effect":"Allow","Action":["sqs:GetQueueUrl","sqs:SendMessage","sqs:ReceiveMessage"],"Resource":"arn:aws:sqs:us-east-1:000000000000:iam-work"},
          {"Sid":"See","Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"*"},
          {"Sid":"Scale","Effect":"Allow","Action":["ec2:StartInstances","ec2:StopInstances"],"Resource":"arn:aws:ec2:us-east-1:000000000000:instance/*",
            "Condition":{"StringLike":{"ec2:ResourceTag/Name":"app-*"}}}
        ]}
        """;

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly TestDirectory _data = new("iam-data");
    private EmulatorHost _host = null!;
    private AmazonS3Client _adminS3 = null!, _s3 = null!;
    private AmazonSQSClient _adminSqs = null!, _sqs = null!;
    private AmazonEC2Client _ec2 = null!;
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await EmulatorHost.StartAsync(o =>
        {
            o.DataDirectory = _data.Path;
            o.Credentials = [$"{Admin}:{AdminSecret}"];
            o.Principals = [new() { Name = "reader", Credential = $"{Reader}:{ReaderSecret}", Policy = Policy }];
        });
        var url = _host.ServiceUrl.ToString();
        AmazonS3Client S3(string key, string secret) => new(new BasicAWSCredentials(key, secret), new AmazonS3Config { ServiceURL = url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        AmazonSQSClient Sqs(string key, string secret) => new(new BasicAWSCredentials(key, secret), new AmazonSQSConfig { ServiceURL = url, AuthenticationRegion = "us-east-1" });
        (_adminS3, _s3, _adminSqs, _sqs) = (S3(Admin, AdminSecret), S3(Reader, ReaderSecret), Sqs(Admin, AdminSecret), Sqs(Reader, ReaderSecret));
        _ec2 = new AmazonEC2Client(new BasicAWSCredentials(Reader, ReaderSecret), new AmazonEC2Config { ServiceURL = url, AuthenticationRegion = "us-east-1" });
        _admin = AdminHttp.Create(url, Admin, AdminSecret);

        foreach (var bucket in new[] { "iam-data", "iam-listed" }) await _adminS3.PutBucketAsync(bucket, _ct);
        foreach (var key in new[] { "public/a.txt", "public/secret.txt", "private/a.txt", "uploads/old.txt" })
        {
            await _adminS3.PutObjectAsync(new PutObjectRequest { BucketName = "iam-data", Key = key, ContentBody = key }, _ct);
        }
        await _adminSqs.CreateQueueAsync("iam-work", _ct);
        await _adminSqs.CreateQueueAsync("iam-other", _ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in new IDisposable[] { _adminS3, _s3, _adminSqs, _sqs, _ec2, _admin }) client.Dispose();
        await _host.DisposeAsync();
        _data.Dispose();
    }

    private async Task<AmazonS3Exception> S3Refusal(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(call);
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), (error.StatusCode, error.ErrorCode));
        return error;
    }

    [Fact]
    public async Task S3_does_what_the_policy_allows_and_refuses_the_rest_with_AccessDenied()
    {
        using (var read = await _s3.GetObjectAsync("iam-data", "public/a.txt", _ct)) Assert.Equal(200, (int)read.HttpStatusCode);
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = "iam-data", Key = "uploads/new.txt", ContentBody = "x" }, _ct);

        var refused = await S3Refusal(() => _s3.GetObjectAsync("iam-data", "private/a.txt", _ct));
        Assert.Contains("s3:GetObject on resource: arn:aws:s3:::iam-data/private/a.txt", refused.Message, StringComparison.Ordinal);
        Assert.Contains("assumed-role/reader", refused.Message, StringComparison.Ordinal);
        await S3Refusal(() => _s3.PutObjectAsync(new PutObjectRequest { BucketName = "iam-data", Key = "public/b.txt", ContentBody = "x" }, _ct));
        await S3Refusal(() => _s3.GetObjectAsync("iam-data", "public/secret.txt", _ct));
        await S3Refusal(() => _s3.PutBucketAsync("iam-mine", _ct));
        await S3Refusal(() => _s3.ListBucketsAsync(_ct));
        await S3Refusal(() => _s3.CopyObjectAsync("iam-data", "private/a.txt", "iam-data", "uploads/copy.txt", _ct));
        await _s3.CopyObjectAsync("iam-data", "public/a.txt", "iam-data", "uploads/copy.txt", _ct);

        // Nothing refused was written.
        var keys = (await _adminS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "iam-data" }, _ct)).S3Objects.Select(o => o.Key).ToList();
        Assert.Equal(["private/a.txt", "public/a.txt", "public/secret.txt", "uploads/copy.txt", "uploads/new.txt", "uploads/old.txt"], keys.Order());
    }

    [Fact]
    public async Task Listing_honours_the_prefix_condition()
    {
        var listed = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "iam-data", Prefix = "public/" }, _ct);
        Assert.Equal(2, listed.S3Objects.Count);
        await S3Refusal(() => _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "iam-data", Prefix = "private/" }, _ct));
        await S3Refusal(() => _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "iam-data" }, _ct));
    }

    [Fact]
    public async Task A_missing_object_is_a_404_only_to_a_caller_who_may_list_the_bucket()
    {
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => _s3.GetObjectAsync("iam-listed", "nothing.txt", _ct));
        Assert.Equal((HttpStatusCode.NotFound, "NoSuchKey"), (missing.StatusCode, missing.ErrorCode));
        await S3Refusal(() => _s3.GetObjectAsync("iam-data", "public/nothing.txt", _ct));
        var head = await Assert.ThrowsAsync<AmazonS3Exception>(() => _s3.GetObjectMetadataAsync("iam-data", "public/nothing.txt", _ct));
        Assert.Equal(HttpStatusCode.Forbidden, head.StatusCode);
        var adminMissing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => _adminS3.GetObjectAsync("iam-data", "public/nothing.txt", _ct));
        Assert.Equal(HttpStatusCode.NotFound, adminMissing.StatusCode);
    }

    [Fact]
    public async Task DeleteObjects_deletes_the_allowed_keys_and_reports_each_refused_one()
    {
        // The SDK throws when any key failed, with the result in the exception.
        var result = (await Assert.ThrowsAsync<DeleteObjectsException>(() => _s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = "iam-data",
            Objects = [new KeyVersion { Key = "uploads/old.txt" }, new KeyVersion { Key = "public/a.txt" }],
        }, _ct))).Response;
        Assert.Equal("uploads/old.txt", Assert.Single(result.DeletedObjects).Key);
        var error = Assert.Single(result.DeleteErrors);
        Assert.Equal(("public/a.txt", "AccessDenied"), (error.Key, error.Code));
        using var still = await _adminS3.GetObjectAsync("iam-data", "public/a.txt", _ct);
    }

    [Fact]
    public async Task Sqs_refuses_other_queues_and_other_actions_with_AccessDenied()
    {
        var url = (await _sqs.GetQueueUrlAsync("iam-work", _ct)).QueueUrl;
        await _sqs.SendMessageAsync(url, "hello", _ct);

        var deleting = await Assert.ThrowsAsync<AmazonSQSException>(() => _sqs.DeleteQueueAsync(url, _ct));
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), (deleting.StatusCode, deleting.ErrorCode));
        Assert.Contains($"sqs:DeleteQueue on resource: arn:aws:sqs:us-east-1:{Account}:iam-work", deleting.Message, StringComparison.Ordinal);
        var other = (await _adminSqs.GetQueueUrlAsync("iam-other", _ct)).QueueUrl;
        var sending = await Assert.ThrowsAsync<AmazonSQSException>(() => _sqs.SendMessageAsync(other, "hello", _ct));
        Assert.Equal("AccessDenied", sending.ErrorCode);
        await Assert.ThrowsAsync<AmazonSQSException>(() => _sqs.CreateQueueAsync("iam-mine", _ct));

        // The administrator may do anything: the queue the principal could not delete goes.
        await _adminSqs.DeleteQueueAsync(url, _ct);
    }

    [Fact]
    public async Task Ec2_starts_only_instances_whose_tags_the_policy_names()
    {
        var app = await Register("app-1");
        var other = await Register("other-1");
        Assert.Equal(2, (await _ec2.DescribeInstancesAsync(new DescribeInstancesRequest(), _ct)).Reservations.SelectMany(r => r.Instances).Count());

        await _ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [app] }, _ct);
        var refused = await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [other] }, _ct));
        Assert.Equal((HttpStatusCode.Forbidden, "UnauthorizedOperation"), (refused.StatusCode, refused.ErrorCode));
        Assert.Contains($"ec2:StartInstances on resource: arn:aws:ec2:us-east-1:{Account}:instance/{other}", refused.Message, StringComparison.Ordinal);
        // One refused instance refuses the whole call.
        await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [app, other] }, _ct));
        var states = await _admin.GetFromJsonAsync<JsonArray>("_emulator/ec2/instances", _ct);
        Assert.Equal("stopped", (string?)states!.Single(i => (string?)i!["instanceId"] == other)!["state"]);
        Assert.Equal("pending", (string?)states!.Single(i => (string?)i!["instanceId"] == app)!["state"]);
    }

    [Fact]
    public async Task The_emulators_own_endpoints_are_the_administrators()
    {
        using var unsigned = new HttpClient { BaseAddress = _host.ServiceUrl };
        using var refused = await unsigned.GetAsync("_emulator/ec2/instances", _ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("need a request signed", await refused.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        using var registering = await unsigned.PostAsJsonAsync("_emulator/ec2/instances", new { tags = new Dictionary<string, string> { ["Name"] = "sneaky" } }, _ct);
        Assert.Equal(HttpStatusCode.Forbidden, registering.StatusCode);

        using var principal = AdminHttp.Create(_host.ServiceUrl.ToString(), Reader, ReaderSecret);
        using var asPrincipal = await principal.GetAsync("_emulator/lambda/functions", _ct);
        Assert.Equal(HttpStatusCode.Forbidden, asPrincipal.StatusCode);
        Assert.Contains("principal", await asPrincipal.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);

        using var allowed = await _admin.GetAsync("_emulator/ec2/instances", _ct);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.DoesNotContain("sneaky", await allowed.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        // Health stays open: it is how orchestrators see the emulator is up.
        using var health = await unsigned.GetAsync("_emulator/health", _ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Lambda_refuses_a_principal_with_AccessDeniedException_and_a_function_runs_with_its_roles_keys()
    {
        using var asReader = new LambdaClient(_host.ServiceUrl.ToString(), Reader, ReaderSecret);
        var refused = await asReader.CreateFunctionAsync("iam-fn", TestFunctionPackage.Zip(), cancellationToken: _ct);
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDeniedException"), (refused.Status, refused.ErrorType));
        Assert.Contains("lambda:CreateFunction", refused.Message, StringComparison.Ordinal);

        using var lambda = new LambdaClient(_host.ServiceUrl.ToString(), Admin, AdminSecret);
        (await lambda.CreateFunctionAsync("iam-fn", TestFunctionPackage.Zip(), role: $"arn:aws:iam::{Account}:role/reader", cancellationToken: _ct)).EnsureSuccess();
        (await lambda.CreateFunctionAsync("iam-fn-unknown-role", TestFunctionPackage.Zip(), role: $"arn:aws:iam::{Account}:role/nobody", cancellationToken: _ct)).EnsureSuccess();
        var asRole = await lambda.InvokeAsync("iam-fn", new JsonObject { ["vars"] = new JsonArray("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY") }, cancellationToken: _ct);
        Assert.Equal(Reader, (string?)asRole.Json!["vars"]!["AWS_ACCESS_KEY_ID"]);
        Assert.Equal(ReaderSecret, (string?)asRole.Json!["vars"]!["AWS_SECRET_ACCESS_KEY"]);
        var unknown = await lambda.InvokeAsync("iam-fn-unknown-role", new JsonObject { ["vars"] = new JsonArray("AWS_ACCESS_KEY_ID") }, cancellationToken: _ct);
        Assert.Equal(Admin, (string?)unknown.Json!["vars"]!["AWS_ACCESS_KEY_ID"]);
    }

    [Fact]
    public async Task A_principal_whose_policy_cannot_be_evaluated_stops_the_emulator_at_start_saying_why()
    {
        using var data = new TestDirectory("iam-bad");
        var error = await Assert.ThrowsAnyAsync<Exception>(() => EmulatorHost.StartAsync(o =>
        {
            o.DataDirectory = data.Path;
            o.Credentials = [$"{Admin}:{AdminSecret}"];
            o.Principals = [new() { Name = "odd", Credential = "AKIAODD:secret", Policy = """{"Statement":{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}}""" }];
        }, cancellationToken: _ct));
        Assert.Contains("Principals:0:Policy", error.Message, StringComparison.Ordinal);
        Assert.Contains("NotAction", error.Message, StringComparison.Ordinal);
    }

    private async Task<string> Register(string name)
    {
        using var response = await _admin.PostAsJsonAsync("_emulator/ec2/instances", new { tags = new Dictionary<string, string> { ["Name"] = name } }, _ct);
        response.EnsureSuccessStatusCode();
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>(_ct))!["instanceId"]!;
    }
}
