using System.Text.Json;
using System.Text.Json.Nodes;
using FaceRecognition.Emulator.Tests.Support;
using FaceRecognition.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

/// <summary>The Lambda and CloudWatch APIs through clients other than ours: the AWS CLI, and boto3 (whose CloudWatch
/// client speaks the CBOR protocol in current botocore). Skipped, saying so, where neither is installed.</summary>
public sealed class LambdaCliTests(LambdaFixture emulator) : IClassFixture<LambdaFixture>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _name = Names.Unique("cli");

    [Fact]
    public async Task The_AWS_CLI_creates_invokes_maps_and_lists_functions_as_against_AWS()
    {
        var aws = ExternalTools.AwsCliOrSkip();
        using var folder = new TestDirectory("cli-lambda");
        var zip = Path.Combine(folder.Path, "function.zip");
        await File.WriteAllBytesAsync(zip, TestFunctionPackage.Zip(), _ct);
        var broken = Path.Combine(folder.Path, "broken.zip");
        await File.WriteAllBytesAsync(broken, TestFunctionPackage.WithoutBootstrap(), _ct);
        var payload = Path.Combine(folder.Path, "payload.json");
        await File.WriteAllTextAsync(payload, """{"echo":"from the cli"}""", _ct);
        var output = Path.Combine(folder.Path, "out.json");
        await emulator.Sqs.CreateQueueAsync(_name + "-events", _ct);

        var created = await Cli(aws, "lambda", "create-function", "--function-name", _name, "--runtime", "provided.al2023", "--handler", "bootstrap",
            "--role", "arn:aws:iam::000000000000:role/cli", "--zip-file", $"fileb://{zip}");
        var invoked = await Cli(aws, "lambda", "invoke", "--function-name", _name, "--payload", $"fileb://{payload}", output);
        var mapped = await Cli(aws, "lambda", "create-event-source-mapping", "--function-name", _name, "--batch-size", "5",
            "--event-source-arn", $"arn:aws:sqs:us-east-1:000000000000:{_name}-events");
        var mappings = await Cli(aws, "lambda", "list-event-source-mappings", "--function-name", _name);
        var listed = await Cli(aws, "lambda", "list-functions");
        var refused = await Cli(aws, "lambda", "create-function", "--function-name", _name + "-broken", "--runtime", "provided.al2023", "--handler", "bootstrap",
            "--role", "arn:aws:iam::000000000000:role/cli", "--zip-file", $"fileb://{broken}");

        Assert.True(created.ExitCode == 0, created.Output);
        Assert.Equal(_name, (string?)JsonNode.Parse(created.Output)!["FunctionName"]);
        Assert.True(invoked.ExitCode == 0, invoked.Output);
        Assert.Equal("from the cli", (string?)JsonNode.Parse(await File.ReadAllTextAsync(output, _ct))!["echo"]);
        Assert.True(mapped.ExitCode == 0, mapped.Output);
        Assert.Equal(5, (int)JsonNode.Parse(mappings.Output)!["EventSourceMappings"]![0]!["BatchSize"]!);
        Assert.Contains(_name, listed.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("InvalidParameterValueException", refused.Output, StringComparison.Ordinal);
        Assert.Contains("has no 'bootstrap' at its root", refused.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_course_graders_checks_run_with_boto3_and_read_Lambdas_metrics_from_CloudWatch()
    {
        var python = ExternalTools.PythonWithBoto3OrSkip();
        (await emulator.Lambda.CreateFunctionAsync(_name, TestFunctionPackage.Zip(), cancellationToken: _ct)).EnsureSuccess();
        // Five at once, as the grader requires of the functions.
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => emulator.Lambda.InvokeAsync(_name, new JsonObject { ["sleepMs"] = 1500 }, cancellationToken: _ct)));

        var (exitCode, output) = await ExternalTools.RunAsync(python, EmulatorFixture.AccessKey, EmulatorFixture.SecretKey,
            [Path.Combine(AppContext.BaseDirectory, "Scripts", "lambda_grader.py"), emulator.ServiceUrl, EmulatorFixture.AccessKey, EmulatorFixture.SecretKey, _name], _ct);

        Assert.True(exitCode == 0, output);
        var function = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement.GetProperty("functions").GetProperty(_name);
        Assert.Equal(5, function.GetProperty("maxConcurrency").GetDouble());
        Assert.InRange(function.GetProperty("maxDurationMs").GetDouble(), 1500, 10_000);
    }

    private Task<(int ExitCode, string Output)> Cli(string aws, params string[] arguments) =>
        ExternalTools.RunAsync(aws, EmulatorFixture.AccessKey, EmulatorFixture.SecretKey, ["--endpoint-url", emulator.ServiceUrl, .. arguments], _ct);
}
