using System.Net;
using System.Net.Http.Headers;
using FaceRecognition.ServiceDefaults;
using FaceRecognition.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FaceRecognition.WebTier.Tests;

/// <summary>The API key and the rate limit, on the web tier's real endpoints (a test server on the in-process emulator).</summary>
public sealed class FrontDoorTests(EmulatorClients cloud) : IClassFixture<EmulatorClients>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    /// <summary>Endpoints that take work in without changing what the system knows: open to keyless clients by default.</summary>
    private static readonly HashSet<string> s_submissions = ["POST /", "POST /api/recognitions", "POST /api/detections", "POST /api/verifications", "POST /api/videos/"];

    [Fact]
    public async Task Every_endpoint_that_changes_state_refuses_a_request_without_the_key_or_with_a_wrong_one()
    {
        // No app tier answers here: an endpoint let through would wait only 2 s for it.
        await using var host = await WebTierHost.StartAsync(cloud, "door-keys", new Dictionary<string, string> { ["WebTier:ReplyTimeoutSeconds"] = "2" }, _ct);
        using var keyless = host.Client();
        using var wrongKey = host.Client("not-the-key-of-this-system");
        var changing = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Method: m, Route: "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Where(e => e.Method is not ("GET" or "HEAD" or "OPTIONS") && !s_submissions.Contains($"{e.Method} {e.Route}"))
            .ToArray();

        Assert.Contains(("POST", "/api/identities/{name}/faces"), changing);
        Assert.Contains(("DELETE", "/api/identities/{name}"), changing);
        Assert.Contains(("DELETE", "/api/identities/{name}/faces/{id}"), changing);
        foreach (var (method, route) in changing)
        {
            var path = route.Replace("{name}", "Ann", StringComparison.Ordinal).Replace("{id}", "0123456789abcdef", StringComparison.Ordinal);
            using var missing = await keyless.SendAsync(Request(method, path), _ct);
            using var wrong = await wrongKey.SendAsync(Request(method, path), _ct);

            Assert.True(missing.StatusCode == HttpStatusCode.Unauthorized, $"{method} {route} without a key: {missing.StatusCode}");
            Assert.Equal("ApiKey header=\"X-Api-Key\"", missing.Headers.WwwAuthenticate.ToString());
            Assert.Contains("X-Api-Key", await missing.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
            Assert.True(wrong.StatusCode == HttpStatusCode.Forbidden, $"{method} {route} with a wrong key: {wrong.StatusCode}");
            Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task The_key_opens_the_door_and_reads_and_submissions_stay_open_by_default()
    {
        await using var host = await WebTierHost.StartAsync(cloud, "door-open", null, _ct);
        using var keyless = host.Client();
        using var keyed = host.Client(WebTierHost.ApiKey);

        // Past the door, the enrolment endpoint reads the form: no file is its own 400, not the door's 401.
        using var enrol = await keyed.PostAsync(new Uri("/api/identities/Ann/faces", UriKind.Relative), new MultipartFormDataContent { { new StringContent("x"), "note" } }, _ct);
        using var list = await keyless.GetAsync(new Uri("/api/identities", UriKind.Relative), _ct);
        using var original = await keyless.PostAsync(new Uri("/", UriKind.Relative), new MultipartFormDataContent { { new StringContent("x"), "note" } }, _ct);

        Assert.Equal(HttpStatusCode.BadRequest, enrol.StatusCode);
        Assert.Contains("no file", await enrol.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, original.StatusCode);
        Assert.Contains("inputFile", await original.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_can_be_required_on_all_of_the_api_and_on_the_original_endpoint()
    {
        await using var api = await WebTierHost.StartAsync(cloud, "door-api", new Dictionary<string, string> { [SettingNames.FrontDoor.KeyRequiredFor] = "Api" }, _ct);
        await using var all = await WebTierHost.StartAsync(cloud, "door-all", new Dictionary<string, string> { [SettingNames.FrontDoor.KeyRequiredFor] = "All" }, _ct);

        using var apiKeyless = api.Client();
        using var apiKeyed = api.Client(WebTierHost.ApiKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await apiKeyless.GetAsync(new Uri("/api/identities", UriKind.Relative), _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await apiKeyless.GetAsync(new Uri("/api/results/test_000", UriKind.Relative), _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await apiKeyed.GetAsync(new Uri("/api/identities", UriKind.Relative), _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await apiKeyless.GetAsync(new Uri("/api/openapi.json", UriKind.Relative), _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await apiKeyless.PostAsync(new Uri("/", UriKind.Relative), new MultipartFormDataContent { { new StringContent("x"), "note" } }, _ct)).StatusCode);

        using var allKeyless = all.Client();
        using var allKeyed = all.Client(WebTierHost.ApiKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await allKeyless.PostAsync(new Uri("/", UriKind.Relative), new MultipartFormDataContent { { new StringContent("x"), "note" } }, _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await allKeyed.PostAsync(new Uri("/", UriKind.Relative), new MultipartFormDataContent { { new StringContent("x"), "note" } }, _ct)).StatusCode);
    }

    [Fact]
    public async Task A_web_tier_without_a_key_accepts_no_change_and_says_why()
    {
        await using var host = await WebTierHost.StartAsync(cloud, "door-nokey", new Dictionary<string, string> { [SettingNames.FrontDoor.ApiKey] = "" }, _ct);
        using var client = host.Client("any-key-anyone-could-send");

        using var response = await client.DeleteAsync(new Uri("/api/identities/Ann", UriKind.Relative), _ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("no API key configured", await response.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_keys_are_refused_without_harm()
    {
        await using var host = await WebTierHost.StartAsync(cloud, "door-hostile", null, _ct);
        using var client = host.Client();
        foreach (var key in new[] { new string('k', 16_000), WebTierHost.ApiKey + " ", WebTierHost.ApiKey[..^1], "" })
        {
            using var request = Request("DELETE", "/api/identities/Ann");
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
            using var response = await client.SendAsync(request, _ct);
            Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized, $"key of {key.Length} chars: {response.StatusCode}");
        }
        using var twice = Request("DELETE", "/api/identities/Ann");
        twice.Headers.TryAddWithoutValidation("X-Api-Key", [WebTierHost.ApiKey, WebTierHost.ApiKey]);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(twice, _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/identities", UriKind.Relative), _ct)).StatusCode);
    }

    [Fact]
    public async Task A_client_over_its_rate_gets_429_with_retry_after_and_health_probes_are_not_limited()
    {
        await using var host = await WebTierHost.StartAsync(cloud, "door-rate", new Dictionary<string, string>
        {
            [SettingNames.FrontDoor.RequestsPerSecond] = "1",
            [SettingNames.FrontDoor.Burst] = "3",
        }, _ct);
        using var client = host.Client();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 10 && refused is null; i++)
        {
            var response = await client.GetAsync(new Uri("/api/identities", UriKind.Relative), _ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused = response;
            else response.Dispose();
        }

        Assert.NotNull(refused);
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 3, string.Join(", ", statuses));
        using (refused)
        {
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
            Assert.Contains("Too many requests", await refused.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(Extensions.AlivePath, UriKind.Relative), _ct)).StatusCode);
    }

    private static HttpRequestMessage Request(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method is "POST" or "PUT" or "PATCH")
        {
            var file = new ByteArrayContent([0xFF, 0xD8, 0xFF]);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            request.Content = new MultipartFormDataContent { { file, "file", "a.jpg" } };
        }
        return request;
    }
}
