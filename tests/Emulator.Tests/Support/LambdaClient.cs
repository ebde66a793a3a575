using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace FaceRecognition.Emulator.Tests.Support;

/// <summary>A Lambda API response: status, headers, body.</summary>
public sealed record LambdaResponse(HttpStatusCode Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);

    /// <summary>The error code (x-amzn-ErrorType), for a refused call.</summary>
    public string? ErrorType => Headers.GetValueOrDefault("x-amzn-ErrorType");

    public string? Message => (string?)Json?["message"];

    public LambdaResponse EnsureSuccess()
    {
        Assert.True((int)Status is >= 200 and < 300, $"{(int)Status} {ErrorType}: {Body}");
        return this;
    }
}

/// <summary>
/// The Lambda API over HTTP signed with the AWS SDK's own SigV4 signer (AWSSDK.Core), as the SDKs send it. (The AWS SDK
/// for .NET's Lambda client is not among the packages this repository may use; boto3 and the AWS CLI, which are, have
/// their own tests.)
/// </summary>
public sealed class LambdaClient(string serviceUrl, string accessKey, string secretKey) : IDisposable
{
    private readonly HttpClient _http = new(new SigV4SigningHandler(new BasicAWSCredentials(accessKey, secretKey), RegionEndpoint.USEast1, "lambda", new SocketsHttpHandler()))
    {
        BaseAddress = new Uri(serviceUrl.TrimEnd('/') + "/"),
        Timeout = TimeSpan.FromMinutes(5),
    };

    public async Task<LambdaResponse> SendAsync(HttpMethod method, string path, object? body = null, IReadOnlyDictionary<string, string>? headers = null,
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            var content = body switch
            {
                string text => text,
                JsonNode node => node.ToJsonString(),
                _ => JsonSerializer.Serialize(body),
            };
            request.Content = new StringContent(content, Encoding.UTF8, "application/json");
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await _http.SendAsync(request, cancellationToken);
        var all = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new LambdaResponse(response.StatusCode, all, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    public Task<LambdaResponse> CreateFunctionAsync(string name, byte[] zip, int timeout = 10, Dictionary<string, string>? variables = null,
        string role = "arn:aws:iam::000000000000:role/test", string runtime = "provided.al2023", CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "2015-03-31/functions", new JsonObject
        {
            ["FunctionName"] = name,
            ["Runtime"] = runtime,
            ["Role"] = role,
            ["Handler"] = "bootstrap",
            ["Timeout"] = timeout,
            ["Code"] = new JsonObject { ["ZipFile"] = Convert.ToBase64String(zip) },
            ["Environment"] = new JsonObject { ["Variables"] = JsonSerializer.SerializeToNode(variables ?? []) },
        }, cancellationToken: cancellationToken);

    /// <summary>Invoke with <paramref name="type"/> (RequestResponse by default).</summary>
    public Task<LambdaResponse> InvokeAsync(string name, JsonNode payload, string type = "RequestResponse", string logType = "None",
        CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"2015-03-31/functions/{Uri.EscapeDataString(name)}/invocations", payload,
            new Dictionary<string, string> { ["X-Amz-Invocation-Type"] = type, ["X-Amz-Log-Type"] = logType }, cancellationToken);

    public Task<LambdaResponse> UpdateConfigurationAsync(string name, JsonObject changes, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"2015-03-31/functions/{Uri.EscapeDataString(name)}/configuration", changes, cancellationToken: cancellationToken);

    public Task<LambdaResponse> PutConcurrencyAsync(string name, int reserved, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"2017-10-31/functions/{Uri.EscapeDataString(name)}/concurrency", new JsonObject { ["ReservedConcurrentExecutions"] = reserved },
            cancellationToken: cancellationToken);

    private readonly HttpClient _admin = AdminHttp.Create(serviceUrl, accessKey, secretKey, TimeSpan.FromMinutes(2));

    /// <summary>The emulator's view of a function's running side (its admin API): environments, counts.</summary>
    public async Task<JsonNode> StatusAsync(string name, CancellationToken cancellationToken = default)
    {
        var all = JsonNode.Parse(await _admin.GetStringAsync("_emulator/lambda/functions", cancellationToken))!.AsArray();
        return all.Single(f => (string?)f!["name"] == name)!;
    }

    /// <summary>The function's log lines so far.</summary>
    public async Task<List<string>> LogAsync(string name, CancellationToken cancellationToken = default) =>
        [.. JsonNode.Parse(await _admin.GetStringAsync($"_emulator/lambda/functions/{name}/logs", cancellationToken))!.AsArray().Select(l => (string)l!["text"]!)];

    public void Dispose()
    {
        _http.Dispose();
        _admin.Dispose();
    }
}
