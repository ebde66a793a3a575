using System.Globalization;
using System.Net.Http.Json;
using System.Text;

namespace FaceRecognition.Lambdas.Runtime.RuntimeApi;

/// <summary>
/// The AWS Lambda Runtime API (version 2018-06-01), as a custom runtime speaks it: fetch the next event, then post its
/// response or error; or report a failed initialisation.
/// </summary>
public sealed class RuntimeApiClient(HttpClient http)
{
    public const string EnvironmentVariable = "AWS_LAMBDA_RUNTIME_API";
    private const string Root = "2018-06-01/runtime/";

    /// <param name="runtimeApi">The host:port of <c>AWS_LAMBDA_RUNTIME_API</c>.</param>
    public static HttpClient CreateHttpClient(string runtimeApi) =>
        // No timeout: the next event may be hours away, and the runtime is frozen in between.
        new() { BaseAddress = new Uri($"http://{runtimeApi}/"), Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Blocks until Lambda has an event for this runtime.</summary>
    public async Task<RuntimeInvocation> NextAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(Root + "invocation/next", cancellationToken);
        response.EnsureSuccessStatusCode();
        var requestId = Header(response, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new InvalidOperationException("The Runtime API sent an event without Lambda-Runtime-Aws-Request-Id.");
        var deadline = long.TryParse(Header(response, "Lambda-Runtime-Deadline-Ms"), CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : DateTimeOffset.UtcNow.AddMinutes(15);
        return new RuntimeInvocation(requestId, deadline, Header(response, "Lambda-Runtime-Trace-Id"),
            Header(response, "Lambda-Runtime-Invoked-Function-Arn"), await response.Content.ReadAsStringAsync(cancellationToken));
    }

    public async Task RespondAsync(string requestId, string responseJson, CancellationToken cancellationToken)
    {
        using var content = new StringContent(responseJson, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync($"{Root}invocation/{Uri.EscapeDataString(requestId)}/response", content, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public Task ReportErrorAsync(string requestId, RuntimeError error, CancellationToken cancellationToken) =>
        PostErrorAsync($"{Root}invocation/{Uri.EscapeDataString(requestId)}/error", error, cancellationToken);

    public Task ReportInitErrorAsync(RuntimeError error, CancellationToken cancellationToken) =>
        PostErrorAsync(Root + "init/error", error, cancellationToken);

    private async Task PostErrorAsync(string path, RuntimeError error, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(error, RuntimeApiJson.Default.RuntimeError),
        };
        request.Headers.Add("Lambda-Runtime-Function-Error-Type", error.ErrorType);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

public sealed record RuntimeInvocation(string RequestId, DateTimeOffset Deadline, string? TraceId, string? FunctionArn, string EventJson);
