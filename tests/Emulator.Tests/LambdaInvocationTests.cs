using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FaceRecognition.Emulator.Tests.Support;
using FaceRecognition.Tests.Support;

namespace FaceRecognition.Emulator.Tests;

/// <summary>Invoking functions: each execution environment is the package's bootstrap as a process with Lambda's
/// variables and a Runtime API of its own, running one invocation at a time; timeouts, crashes, init errors and
/// throttling end as on Lambda.</summary>
public sealed class LambdaInvocationTests(LambdaFixture emulator) : IClassFixture<LambdaFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _name = Names.Unique("fn");

    [Fact]
    public async Task An_invocation_runs_in_an_environment_with_Lambdas_variables_and_the_functions_own()
    {
        await Create(variables: new() { ["GREETING"] = "hello" });

        var response = (await emulator.Lambda.InvokeAsync(_name, new JsonObject
        {
            ["echo"] = "ping",
            ["vars"] = new JsonArray("GREETING", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_REGION", "_HANDLER", "LAMBDA_TASK_ROOT",
                "AWS_ACCESS_KEY_ID", "AWS_ENDPOINT_URL", "AWS_LAMBDA_RUNTIME_API", "Emulator__Credentials__0"),
        }, cancellationToken: _ct)).EnsureSuccess();

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("$LATEST", response.Headers["X-Amz-Executed-Version"]);
        Assert.False(response.Headers.ContainsKey("X-Amz-Function-Error"));
        var answer = response.Json!;
        Assert.Equal("ping", (string?)answer["echo"]);
        var vars = answer["vars"]!;
        Assert.Equal("hello", (string?)vars["GREETING"]);
        Assert.Equal(_name, (string?)vars["AWS_LAMBDA_FUNCTION_NAME"]);
        Assert.Equal("128", (string?)vars["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]);
        Assert.Equal("us-east-1", (string?)vars["AWS_REGION"]);
        Assert.Equal("bootstrap", (string?)vars["_HANDLER"]);
        Assert.True(File.Exists(Path.Combine((string)vars["LAMBDA_TASK_ROOT"]!, "bootstrap")));
        Assert.Equal(EmulatorFixture.AccessKey, (string?)vars["AWS_ACCESS_KEY_ID"]);
        Assert.Equal(emulator.ServiceUrl, ((string?)vars["AWS_ENDPOINT_URL"])?.TrimEnd('/'));
        Assert.StartsWith("127.0.0.1:", (string?)vars["AWS_LAMBDA_RUNTIME_API"], StringComparison.Ordinal);
        // Nothing of the emulator's own environment leaks into the function's.
        Assert.Null((string?)vars["Emulator__Credentials__0"]);
        // The deadline handed to the runtime is the function's timeout away.
        Assert.InRange((long)answer["deadlineMs"]! - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 1_000, 10_000);
    }

    [Fact]
    public async Task An_environment_runs_one_invocation_at_a_time_and_is_reused_while_warm()
    {
        await Create();

        var first = await Invoke(new JsonObject { ["echo"] = 1 });
        var second = await Invoke(new JsonObject { ["echo"] = 2 });
        var together = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Invoke(new JsonObject { ["sleepMs"] = 1500 })));

        Assert.Equal((int)first["pid"]!, (int)second["pid"]!);
        Assert.Equal(3, together.Select(a => (int)a["pid"]!).Distinct().Count());
        var status = await emulator.Lambda.StatusAsync(_name, _ct);
        Assert.Equal(3, (int)status["peakRunning"]!);
        Assert.Equal(3, status["environments"]!.AsArray().Count);
        Assert.Equal(5, (int)status["invocations"]!);
    }

    [Fact]
    public async Task Idle_environments_are_stopped_and_a_later_invocation_starts_a_new_one()
    {
        await Create();
        var pid = (int)(await Invoke(new JsonObject { ["echo"] = 1 }))["pid"]!;

        await Eventually.Until(async () => (await emulator.Lambda.StatusAsync(_name, _ct))["environments"]!.AsArray().Count == 0,
            s_timeout, "the idle environment to be stopped");
        var next = await Invoke(new JsonObject { ["echo"] = 2 });

        Assert.False(ProcessRuns(pid), $"process {pid} still runs");
        Assert.NotEqual(pid, (int)next["pid"]!);
    }

    [Fact]
    public async Task An_invocation_past_its_timeout_ends_its_environment_and_fails_as_on_Lambda()
    {
        await Create(timeout: 1);
        var pid = (int)(await Invoke(new JsonObject { ["echo"] = 1 }))["pid"]!;

        var timedOut = await emulator.Lambda.InvokeAsync(_name, new JsonObject { ["sleepMs"] = 10_000 }, logType: "Tail", cancellationToken: _ct);
        var after = await Invoke(new JsonObject { ["echo"] = 2 });

        Assert.Equal("Unhandled", timedOut.Headers["X-Amz-Function-Error"]);
        Assert.Equal("Sandbox.Timedout", (string?)timedOut.Json!["errorType"]);
        Assert.Contains("Task timed out after 1.00 seconds", (string?)timedOut.Json["errorMessage"], StringComparison.Ordinal);
        Assert.Contains("Task timed out after 1.00 seconds", Encoding.UTF8.GetString(Convert.FromBase64String(timedOut.Headers["X-Amz-Log-Result"])), StringComparison.Ordinal);
        Assert.False(ProcessRuns(pid), "the timed-out environment's process was killed");
        Assert.NotEqual(pid, (int)after["pid"]!);
    }

    [Fact]
    public async Task A_runtime_that_crashes_fails_its_invocation_and_is_replaced()
    {
        await Create();

        var crashed = await emulator.Lambda.InvokeAsync(_name, new JsonObject { ["exit"] = 7 }, cancellationToken: _ct);
        var after = await emulator.Lambda.InvokeAsync(_name, new JsonObject { ["echo"] = "still here" }, cancellationToken: _ct);

        Assert.Equal("Unhandled", crashed.Headers["X-Amz-Function-Error"]);
        Assert.Equal("Runtime.ExitError", (string?)crashed.Json!["errorType"]);
        Assert.Contains("Runtime exited with error: exit status 7", (string?)crashed.Json["errorMessage"], StringComparison.Ordinal);
        Assert.Equal("still here", (string?)after.EnsureSuccess().Json!["echo"]);
    }

    [Fact]
    public async Task Errors_the_runtime_reports_come_back_with_X_Amz_Function_Error_and_its_document()
    {
        await Create();

        var failed = await emulator.Lambda.InvokeAsync(_name, new JsonObject { ["fail"] = "asked to fail" }, cancellationToken: _ct);

        Assert.Equal(HttpStatusCode.OK, failed.Status);
        Assert.Equal("Unhandled", failed.Headers["X-Amz-Function-Error"]);
        Assert.Equal("asked to fail", (string?)failed.Json!["errorMessage"]);
        Assert.Equal("TestError", (string?)failed.Json["errorType"]);
        var status = await emulator.Lambda.StatusAsync(_name, _ct);
        Assert.Equal(1, (int)status["errors"]!);
    }

    [Theory]
    [InlineData("fail", "TestInitError", "told to fail its init")]
    [InlineData("exit", "Runtime.ExitError", "Runtime exited with error: exit status 3")]
    public async Task An_init_error_is_reported_to_the_invocation_that_started_the_environment(string init, string errorType, string message)
    {
        await Create(variables: new() { ["TEST_INIT"] = init });

        var failed = await emulator.Lambda.InvokeAsync(_name, new JsonObject { ["echo"] = 1 }, cancellationToken: _ct);

        Assert.Equal("Unhandled", failed.Headers["X-Amz-Function-Error"]);
        Assert.Equal(errorType, (string?)failed.Json!["errorType"]);
        Assert.Contains(message, (string?)failed.Json["errorMessage"], StringComparison.Ordinal);
        Assert.Empty((await emulator.Lambda.StatusAsync(_name, _ct))["environments"]!.AsArray());
    }

    [Fact]
    public async Task At_its_reserved_concurrency_a_function_throttles_synchronous_invocations()
    {
        await Create();
        (await emulator.Lambda.PutConcurrencyAsync(_name, 1, _ct)).EnsureSuccess();

        var running = emulator.Lambda.InvokeAsync(_name, new JsonObject { ["sleepMs"] = 3000 }, cancellationToken: _ct);
        await Eventually.Until(async () => (int)(await emulator.Lambda.StatusAsync(_name, _ct))["running"]! == 1, s_timeout, "the first invocation to run");
        var throttled = await emulator.Lambda.InvokeAsync(_name, new JsonObject { ["echo"] = 1 }, cancellationToken: _ct);
        (await running).EnsureSuccess();
        (await emulator.Lambda.PutConcurrencyAsync(_name, 0, _ct)).EnsureSuccess();
        var disabled = await emulator.Lambda.InvokeAsync(_name, new JsonObject { ["echo"] = 2 }, cancellationToken: _ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.Status);
        Assert.Equal("TooManyRequestsException", throttled.ErrorType);
        Assert.Equal("ReservedFunctionConcurrentInvocationLimitExceeded", (string?)throttled.Json!["Reason"]);
        Assert.Equal(HttpStatusCode.TooManyRequests, disabled.Status);
        Assert.Equal(2, (int)(await emulator.Lambda.StatusAsync(_name, _ct))["throttles"]!);
    }

    [Fact]
    public async Task A_changed_function_gets_new_environments()
    {
        await Create(variables: new() { ["VERSION"] = "1" });
        var before = await Invoke(new JsonObject { ["vars"] = new JsonArray("VERSION") });

        (await emulator.Lambda.UpdateConfigurationAsync(_name, new JsonObject { ["Environment"] = new JsonObject { ["Variables"] = new JsonObject { ["VERSION"] = "2" } } }, _ct))
            .EnsureSuccess();
        var after = await Invoke(new JsonObject { ["vars"] = new JsonArray("VERSION") });

        Assert.Equal("2", (string?)after["vars"]!["VERSION"]);
        Assert.NotEqual((int)before["pid"]!, (int)after["pid"]!);
        Assert.False(ProcessRuns((int)before["pid"]!), "the old revision's environment was stopped");
    }

    [Fact]
    public async Task Oversized_responses_bad_payloads_DryRun_and_unknown_invocation_types()
    {
        await Create();

        var tooLarge = await emulator.Lambda.InvokeAsync(_name, new JsonObject { ["bytes"] = 7_000_000 }, cancellationToken: _ct);
        var notJson = await emulator.Lambda.SendAsync(HttpMethod.Post, $"2015-03-31/functions/{_name}/invocations", "this is not json", cancellationToken: _ct);
        var dryRun = await emulator.Lambda.InvokeAsync(_name, new JsonObject(), type: "DryRun", cancellationToken: _ct);
        var badType = await emulator.Lambda.InvokeAsync(_name, new JsonObject(), type: "Sometimes", cancellationToken: _ct);
        var payload = await emulator.Lambda.InvokeAsync(_name, new JsonObject { ["echo"] = new string('y', 6_300_000) }, cancellationToken: _ct);

        Assert.Equal("Function.ResponseSizeTooLarge", (string?)tooLarge.Json!["errorType"]);
        Assert.Equal("InvalidRequestContentException", notJson.ErrorType);
        Assert.Equal(HttpStatusCode.NoContent, dryRun.Status);
        Assert.Equal("ValidationException", badType.ErrorType);
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "RequestTooLargeException"), (payload.Status, payload.ErrorType));
    }

    private async Task Create(int timeout = 10, Dictionary<string, string>? variables = null) =>
        (await emulator.Lambda.CreateFunctionAsync(_name, TestFunctionPackage.Zip(), timeout, variables, cancellationToken: _ct)).EnsureSuccess();

    private async Task<JsonNode> Invoke(JsonObject payload) => (await emulator.Lambda.InvokeAsync(_name, payload, cancellationToken: _ct)).EnsureSuccess().Json!;

    private static bool ProcessRuns(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
