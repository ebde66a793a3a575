using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace FaceRecognition.Cloud.Functions;

/// <summary>A Lambda API error: its code (<c>ResourceNotFoundException</c>, …) and message.</summary>
public sealed class LambdaApiException(HttpStatusCode status, string code, string message) : Exception($"{code}: {message}")
{
    public HttpStatusCode Status { get; } = status;
    public string Code { get; } = code;
}

/// <summary>
/// The Lambda API operations provisioning needs, over HTTP signed with SigV4 by the AWS SDK's own signer
/// (<see cref="SignedHttp"/>), against whichever cloud answers: a local cloud at its endpoint,
/// or AWS's regional endpoint.
/// </summary>
public sealed class LambdaApi(HttpClient http) : IDisposable
{
    /// <param name="serviceUrl">A local cloud's endpoint; null for AWS.</param>
    /// <param name="credentials">Null for the SDK's default credential chain.</param>
    public static LambdaApi Create(string? serviceUrl, string region, AWSCredentials? credentials)
    {
        var endpoint = serviceUrl is null ? new Uri($"https://lambda.{region}.amazonaws.com/") : new Uri(serviceUrl.TrimEnd('/') + "/");
        return new LambdaApi(SignedHttp.Create(endpoint, credentials ?? DefaultAWSCredentialsIdentityResolver.GetCredentials(), region, "lambda", TimeSpan.FromMinutes(10)));
    }

    /// <summary>The function, or null when it does not exist.</summary>
    public async Task<GetFunctionResponse?> GetFunctionAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(HttpMethod.Get, $"2015-03-31/functions/{Uri.EscapeDataString(name)}", null, LambdaApiJson.Default.GetFunctionResponse, cancellationToken);
        }
        catch (LambdaApiException e) when (e.Code == "ResourceNotFoundException")
        {
            return null;
        }
    }

    public Task<FunctionConfiguration> CreateFunctionAsync(CreateFunctionRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "2015-03-31/functions", JsonContent.Create(request, LambdaApiJson.Default.CreateFunctionRequest),
            LambdaApiJson.Default.FunctionConfiguration, cancellationToken);

    public Task<FunctionConfiguration> UpdateFunctionCodeAsync(string name, FunctionCodeSource code, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, $"2015-03-31/functions/{Uri.EscapeDataString(name)}/code", JsonContent.Create(code, LambdaApiJson.Default.FunctionCodeSource),
            LambdaApiJson.Default.FunctionConfiguration, cancellationToken);

    public Task<FunctionConfiguration> UpdateFunctionConfigurationAsync(string name, UpdateFunctionConfigurationRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, $"2015-03-31/functions/{Uri.EscapeDataString(name)}/configuration",
            JsonContent.Create(request, LambdaApiJson.Default.UpdateFunctionConfigurationRequest), LambdaApiJson.Default.FunctionConfiguration, cancellationToken);

    public Task<FunctionConfiguration> GetFunctionConfigurationAsync(string name, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"2015-03-31/functions/{Uri.EscapeDataString(name)}/configuration", null, LambdaApiJson.Default.FunctionConfiguration, cancellationToken);

    public Task<ConcurrencySettings> PutFunctionConcurrencyAsync(string name, int reserved, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, $"2017-10-31/functions/{Uri.EscapeDataString(name)}/concurrency",
            JsonContent.Create(new ConcurrencySettings(reserved), LambdaApiJson.Default.ConcurrencySettings), LambdaApiJson.Default.ConcurrencySettings, cancellationToken);

    public async Task<List<EventSourceMapping>> ListEventSourceMappingsAsync(string functionName, CancellationToken cancellationToken)
    {
        var mappings = new List<EventSourceMapping>();
        string? marker = null;
        do
        {
            var page = await SendAsync(HttpMethod.Get,
                $"2015-03-31/event-source-mappings/?FunctionName={Uri.EscapeDataString(functionName)}{(marker is null ? "" : "&Marker=" + Uri.EscapeDataString(marker))}",
                null, LambdaApiJson.Default.ListEventSourceMappingsResponse, cancellationToken);
            mappings.AddRange(page.EventSourceMappings);
            marker = page.NextMarker;
        }
        while (marker is not null);
        return mappings;
    }

    public Task<EventSourceMapping> CreateEventSourceMappingAsync(EventSourceMappingRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "2015-03-31/event-source-mappings/", JsonContent.Create(request, LambdaApiJson.Default.EventSourceMappingRequest),
            LambdaApiJson.Default.EventSourceMapping, cancellationToken);

    public Task<EventSourceMapping> UpdateEventSourceMappingAsync(string uuid, EventSourceMappingRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, $"2015-03-31/event-source-mappings/{Uri.EscapeDataString(uuid)}",
            JsonContent.Create(request with { EventSourceArn = null }, LambdaApiJson.Default.EventSourceMappingRequest), LambdaApiJson.Default.EventSourceMapping, cancellationToken);

    /// <summary>Waits until a function accepts another change (Lambda refuses one while the last is still being applied).</summary>
    public async Task<FunctionConfiguration> WaitUntilUpdatedAsync(string name, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var configuration = await GetFunctionConfigurationAsync(name, cancellationToken);
            if (configuration.State is "Failed" || configuration.LastUpdateStatus is "Failed")
            {
                throw new LambdaApiException(HttpStatusCode.Conflict, "FunctionFailed", $"Function {name} is in state {configuration.State}, last update {configuration.LastUpdateStatus}.");
            }
            if (configuration.State is null or "Active" && configuration.LastUpdateStatus is null or "Successful") return configuration;
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 200 * (attempt + 1))), cancellationToken);
        }
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var code = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.First().Split(':')[0] : response.StatusCode.ToString();
            string? message = null;
            try
            {
                var error = JsonSerializer.Deserialize(body, LambdaApiJson.Default.ErrorBody);
                message = error?.Message ?? error?.MessageCapitalised;
            }
            catch (JsonException)
            {
            }
            throw new LambdaApiException(response.StatusCode, code, message ?? System.Text.Encoding.UTF8.GetString(body));
        }
        return JsonSerializer.Deserialize(body, type) ?? throw new LambdaApiException(response.StatusCode, "EmptyResponse", $"{method} {path} answered nothing.");
    }

    public void Dispose() => http.Dispose();
}
