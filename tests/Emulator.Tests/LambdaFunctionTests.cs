using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FaceRecognition.Emulator.Tests.Support;
using FaceRecognition.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

/// <summary>Managing functions through the Lambda API, SigV4-signed as the SDKs sign it: create, read, list, update,
/// delete, and every refusal in Lambda's own error shape, leaving nothing half-created.</summary>
public sealed class LambdaFunctionTests(LambdaFixture emulator) : IClassFixture<LambdaFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _name = Names.Unique("fn");

    [Fact]
    public async Task A_function_is_created_from_a_zip_and_reads_back_as_Lambda_describes_it()
    {
        var zip = TestFunctionPackage.Zip();

        var created = (await emulator.Lambda.CreateFunctionAsync(_name, zip, timeout: 7, variables: new() { ["GREETING"] = "hello" }, cancellationToken: _ct)).EnsureSuccess();
        var got = (await emulator.Lambda.SendAsync(HttpMethod.Get, $"2015-03-31/functions/{_name}", cancellationToken: _ct)).EnsureSuccess();
        var listed = (await emulator.Lambda.SendAsync(HttpMethod.Get, "2015-03-31/functions/", cancellationToken: _ct)).EnsureSuccess();

        Assert.Equal(HttpStatusCode.Created, created.Status);
        var configuration = got.Json!["Configuration"]!;
        Assert.Equal(_name, (string?)configuration["FunctionName"]);
        Assert.Equal($"arn:aws:lambda:us-east-1:000000000000:function:{_name}", (string?)configuration["FunctionArn"]);
        Assert.Equal("provided.al2023", (string?)configuration["Runtime"]);
        Assert.Equal(7, (int)configuration["Timeout"]!);
        Assert.Equal(128, (int)configuration["MemorySize"]!);
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(zip)), (string?)configuration["CodeSha256"]);
        Assert.Equal(zip.Length, (long)configuration["CodeSize"]!);
        Assert.Equal("hello", (string?)configuration["Environment"]!["Variables"]!["GREETING"]);
        Assert.Equal("Active", (string?)configuration["State"]);
        Assert.Contains(listed.Json!["Functions"]!.AsArray(), f => (string?)f!["FunctionName"] == _name);

        // GetFunction's Code.Location serves the very zip that was uploaded.
        using var http = new HttpClient();
        var downloaded = await http.GetByteArrayAsync((string)got.Json["Code"]!["Location"]!, _ct);
        Assert.Equal(zip, downloaded);
    }

    [Fact]
    public async Task Code_configuration_and_reserved_concurrency_are_updated_and_delete_removes_the_function()
    {
        (await emulator.Lambda.CreateFunctionAsync(_name, TestFunctionPackage.Zip(), cancellationToken: _ct)).EnsureSuccess();

        var newZip = TestFunctionPackage.Zip(note: "version 2");
        var code = await emulator.Lambda.SendAsync(HttpMethod.Put, $"2015-03-31/functions/{_name}/code", new JsonObject { ["ZipFile"] = Convert.ToBase64String(newZip) }, cancellationToken: _ct);
        var configuration = await emulator.Lambda.UpdateConfigurationAsync(_name, new JsonObject
        {
            ["Timeout"] = 20,
            ["MemorySize"] = 512,
            ["Environment"] = new JsonObject { ["Variables"] = new JsonObject { ["MODE"] = "fast" } },
        }, _ct);
        var concurrency = await emulator.Lambda.PutConcurrencyAsync(_name, 2, _ct);
        var read = await emulator.Lambda.SendAsync(HttpMethod.Get, $"2015-03-31/functions/{_name}", cancellationToken: _ct);
        var deleted = await emulator.Lambda.SendAsync(HttpMethod.Delete, $"2015-03-31/functions/{_name}", cancellationToken: _ct);
        var gone = await emulator.Lambda.SendAsync(HttpMethod.Get, $"2015-03-31/functions/{_name}", cancellationToken: _ct);

        Assert.Equal(Convert.ToBase64String(SHA256.HashData(newZip)), (string?)code.EnsureSuccess().Json!["CodeSha256"]);
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(newZip)), (string?)read.Json!["Configuration"]!["CodeSha256"]);
        Assert.Equal(20, (int)configuration.EnsureSuccess().Json!["Timeout"]!);
        Assert.Equal("fast", (string?)read.Json!["Configuration"]!["Environment"]!["Variables"]!["MODE"]);
        Assert.Equal(512, (int)read.Json["Configuration"]!["MemorySize"]!);
        Assert.Equal(2, (int)concurrency.EnsureSuccess().Json!["ReservedConcurrentExecutions"]!);
        Assert.Equal(2, (int)read.Json["Concurrency"]!["ReservedConcurrentExecutions"]!);
        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Equal("ResourceNotFoundException", gone.ErrorType);
    }

    [Fact]
    public async Task A_stale_revision_id_is_refused()
    {
        var created = (await emulator.Lambda.CreateFunctionAsync(_name, TestFunctionPackage.Zip(), cancellationToken: _ct)).EnsureSuccess();
        var revision = (string)created.Json!["RevisionId"]!;
        (await emulator.Lambda.UpdateConfigurationAsync(_name, new JsonObject { ["Timeout"] = 5, ["RevisionId"] = revision }, _ct)).EnsureSuccess();

        var stale = await emulator.Lambda.UpdateConfigurationAsync(_name, new JsonObject { ["Timeout"] = 6, ["RevisionId"] = revision }, _ct);

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
        Assert.Equal("PreconditionFailedException", stale.ErrorType);
    }

    public static TheoryData<string, string, string> RefusedPackages => new()
    {
        { "not-a-zip", "InvalidParameterValueException", "Could not unzip uploaded file" },
        { "no-bootstrap", "InvalidParameterValueException", "has no 'bootstrap' at its root" },
        { "plain-bootstrap", "InvalidParameterValueException", "'bootstrap' is not executable" },
        { "too-large-unzipped", "InvalidParameterValueException", "Unzipped size must be smaller than 262144000 bytes" },
    };

    [Theory]
    [MemberData(nameof(RefusedPackages))]
    public async Task A_package_Lambda_could_not_run_is_refused_with_the_reason_and_nothing_is_created(string package, string errorType, string reason)
    {
        var zip = package switch
        {
            "not-a-zip" => "this is not a zip file"u8.ToArray(),
            "no-bootstrap" => TestFunctionPackage.WithoutBootstrap(),
            "plain-bootstrap" => TestFunctionPackage.WithPlainBootstrap(),
            _ => TestFunctionPackage.Unzipping(263_000_000),
        };
        var codeFolders = CodeFolders();

        var refused = await emulator.Lambda.CreateFunctionAsync(_name, zip, cancellationToken: _ct);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(errorType, refused.ErrorType);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await emulator.Lambda.SendAsync(HttpMethod.Get, $"2015-03-31/functions/{_name}", cancellationToken: _ct)).Status);
        Assert.Equal(codeFolders, CodeFolders());
    }

    [Fact]
    public async Task A_zip_over_50_MB_in_the_request_is_refused_as_too_large()
    {
        var zip = RandomNumberGenerator.GetBytes(51 * 1024 * 1024);

        var refused = await emulator.Lambda.CreateFunctionAsync(_name, zip, cancellationToken: _ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.Status);
        Assert.Equal("RequestEntityTooLargeException", refused.ErrorType);
    }

    [Fact]
    public async Task A_package_can_come_from_S3_as_on_AWS_and_a_missing_object_is_refused()
    {
        var bucket = Names.Unique("code");
        await emulator.S3.PutBucketAsync(bucket, _ct);
        var zip = TestFunctionPackage.Zip();
        await emulator.S3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = "fn.zip", InputStream = new MemoryStream(zip) }, _ct);

        var created = await emulator.Lambda.SendAsync(HttpMethod.Post, "2015-03-31/functions", CreateRequest(_name, new JsonObject { ["S3Bucket"] = bucket, ["S3Key"] = "fn.zip" }), cancellationToken: _ct);
        var missing = await emulator.Lambda.SendAsync(HttpMethod.Post, "2015-03-31/functions", CreateRequest(_name + "-2", new JsonObject { ["S3Bucket"] = bucket, ["S3Key"] = "nothing.zip" }), cancellationToken: _ct);

        Assert.Equal(Convert.ToBase64String(SHA256.HashData(zip)), (string?)created.EnsureSuccess().Json!["CodeSha256"]);
        Assert.Equal("InvalidParameterValueException", missing.ErrorType);
        Assert.Contains("NoSuchKey", missing.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> RefusedSettings => new()
    {
        { """{"Runtime":"python3.12"}""", "InvalidParameterValueException", "python3.12 is not supported" },
        { """{"Role":"not-a-role"}""", "ValidationException", "'role' failed to satisfy constraint" },
        { """{"Timeout":901}""", "ValidationException", "Member must have value between 1 and 900" },
        { """{"MemorySize":64}""", "ValidationException", "Member must have value between 128 and 10240" },
        { """{"FunctionName":"bad name!"}""", "ValidationException", "'functionName' failed to satisfy constraint" },
        { """{"Environment":{"Variables":{"AWS_REGION":"eu-west-1"}}}""", "InvalidParameterValueException", "Reserved keys used in this request: AWS_REGION" },
        { """{"Architectures":["arm64"]}""", "InvalidParameterValueException", "use x86_64" },
        { """{"DeadLetterConfig":{"TargetArn":"arn:aws:sqs:us-east-1:000000000000:no-such-queue"}}""", "InvalidParameterValueException", "name an existing SQS queue" },
    };

    [Theory]
    [MemberData(nameof(RefusedSettings))]
    public async Task Settings_Lambda_refuses_are_refused_with_its_error_and_nothing_is_created(string overrides, string errorType, string reason)
    {
        var request = CreateRequest(_name, new JsonObject { ["ZipFile"] = Convert.ToBase64String(TestFunctionPackage.Zip()) });
        foreach (var (key, value) in JsonNode.Parse(overrides)!.AsObject()) request[key] = value?.DeepClone();

        var refused = await emulator.Lambda.SendAsync(HttpMethod.Post, "2015-03-31/functions", request, cancellationToken: _ct);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(errorType, refused.ErrorType);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        var list = (await emulator.Lambda.SendAsync(HttpMethod.Get, "2015-03-31/functions", cancellationToken: _ct)).Json!["Functions"]!.AsArray();
        Assert.DoesNotContain(list, f => ((string?)f!["FunctionName"])?.StartsWith(_name, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Unknown_functions_duplicates_malformed_bodies_and_bad_signatures_get_Lambdas_errors()
    {
        (await emulator.Lambda.CreateFunctionAsync(_name, TestFunctionPackage.Zip(), cancellationToken: _ct)).EnsureSuccess();

        var unknown = await emulator.Lambda.InvokeAsync("no-such-function", new JsonObject(), cancellationToken: _ct);
        var duplicate = await emulator.Lambda.CreateFunctionAsync(_name, TestFunctionPackage.Zip(), cancellationToken: _ct);
        var malformed = await emulator.Lambda.SendAsync(HttpMethod.Post, "2015-03-31/functions", "{not json", cancellationToken: _ct);
        var unknownRoute = await emulator.Lambda.SendAsync(HttpMethod.Get, "2015-03-31/layers", cancellationToken: _ct);
        using var forged = new LambdaClient(emulator.ServiceUrl, EmulatorFixture.AccessKey, "a wrong secret");
        var badSignature = await forged.SendAsync(HttpMethod.Get, $"2015-03-31/functions/{_name}", cancellationToken: _ct);
        using var stranger = new LambdaClient(emulator.ServiceUrl, "AKIAUNKNOWNKEY000000", "whatever");
        var unknownKey = await stranger.SendAsync(HttpMethod.Get, $"2015-03-31/functions/{_name}", cancellationToken: _ct);

        Assert.Equal((HttpStatusCode.NotFound, "ResourceNotFoundException"), (unknown.Status, unknown.ErrorType));
        Assert.Contains("Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-function", unknown.Message, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Conflict, "ResourceConflictException"), (duplicate.Status, duplicate.ErrorType));
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidRequestContentException"), (malformed.Status, malformed.ErrorType));
        Assert.Equal(HttpStatusCode.NotFound, unknownRoute.Status);
        Assert.Equal((HttpStatusCode.Forbidden, "InvalidSignatureException"), (badSignature.Status, badSignature.ErrorType));
        Assert.Equal((HttpStatusCode.Forbidden, "UnrecognizedClientException"), (unknownKey.Status, unknownKey.ErrorType));
    }

    [Fact]
    public async Task Permissions_make_a_resource_policy_and_duplicates_or_unknown_statements_are_refused()
    {
        (await emulator.Lambda.CreateFunctionAsync(_name, TestFunctionPackage.Zip(), cancellationToken: _ct)).EnsureSuccess();
        var permission = new JsonObject
        {
            ["StatementId"] = "s3-invoke",
            ["Action"] = "lambda:InvokeFunction",
            ["Principal"] = "s3.amazonaws.com",
            ["SourceArn"] = "arn:aws:s3:::my-bucket",
        };

        var added = await emulator.Lambda.SendAsync(HttpMethod.Post, $"2015-03-31/functions/{_name}/policy", permission, cancellationToken: _ct);
        var again = await emulator.Lambda.SendAsync(HttpMethod.Post, $"2015-03-31/functions/{_name}/policy", permission, cancellationToken: _ct);
        var policy = await emulator.Lambda.SendAsync(HttpMethod.Get, $"2015-03-31/functions/{_name}/policy", cancellationToken: _ct);
        var removed = await emulator.Lambda.SendAsync(HttpMethod.Delete, $"2015-03-31/functions/{_name}/policy/s3-invoke", cancellationToken: _ct);
        var removedAgain = await emulator.Lambda.SendAsync(HttpMethod.Delete, $"2015-03-31/functions/{_name}/policy/s3-invoke", cancellationToken: _ct);

        Assert.Equal(HttpStatusCode.Created, added.Status);
        Assert.Equal("ResourceConflictException", again.ErrorType);
        var statement = JsonNode.Parse((string)policy.EnsureSuccess().Json!["Policy"]!)!["Statement"]![0]!;
        Assert.Equal("s3.amazonaws.com", (string?)statement["Principal"]!["Service"]);
        Assert.Equal("arn:aws:s3:::my-bucket", (string?)statement["Condition"]!["ArnLike"]!["AWS:SourceArn"]);
        Assert.Equal(HttpStatusCode.NoContent, removed.Status);
        Assert.Equal("ResourceNotFoundException", removedAgain.ErrorType);
    }

    private static JsonObject CreateRequest(string name, JsonObject code) => new()
    {
        ["FunctionName"] = name,
        ["Runtime"] = "provided.al2023",
        ["Role"] = "arn:aws:iam::000000000000:role/test",
        ["Handler"] = "bootstrap",
        ["Code"] = code,
    };

    private string[] CodeFolders()
    {
        var root = Path.Combine(emulator.Data.Path, "lambda", "code");
        return Directory.Exists(root) ? [.. Directory.GetDirectories(root).Order()] : [];
    }
}
