using System.Net;
using System.Net.Http.Headers;
using FaceRecognition.Tests.Support;

namespace FaceRecognition.WebTier.Tests;

/// <summary>The API's own checks, which answer before any app tier is asked: query parameters, form fields, names and
/// face ids, and the API reference page (a test server on the in-process emulator, no app tier).</summary>
public sealed class ApiInputTests(EmulatorClients cloud) : IClassFixture<EmulatorClients>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/api/recognitions?threshold=abc", "'threshold' must be a number")]
    [InlineData("/api/recognitions?threshold=0", "'threshold' must be a number")]
    [InlineData("/api/recognitions?threshold=2.5", "at most 2")]
    [InlineData("/api/recognitions?threshold=NaN", "'threshold' must be a number")]
    [InlineData("/api/recognitions?maxFaces=0", "'maxFaces' must be a whole number from 1 to 100")]
    [InlineData("/api/recognitions?maxFaces=1e3", "'maxFaces' must be a whole number")]
    [InlineData("/api/detections?maxFaces=101", "'maxFaces' must be a whole number")]
    [InlineData("/api/detections?landmarks=maybe", "'landmarks' must be true or false")]
    [InlineData("/api/detections?draw=yes", "'draw' must be true or false")]
    [InlineData("/api/detections?draw=true&format=gif", "'format' must be png or jpeg")]
    [InlineData("/api/verifications?threshold=-1", "'threshold' must be a number")]
    public async Task Bad_query_parameters_get_400_naming_the_parameter(string path, string reason)
    {
        await using var host = await WebTierHost.StartAsync(cloud, "api-query", null, _ct);
        using var client = host.Client();

        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), Multipart.Files(("file", Jpeg(), "a.jpg")), _ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/detections", "file")]
    [InlineData("/api/verifications", "first")]
    [InlineData("/api/recognitions", "file")]
    public async Task A_picture_over_the_size_limit_gets_413(string path, string field)
    {
        await using var host = await WebTierHost.StartAsync(cloud, "api-huge", new Dictionary<string, string> { ["WebTier:MaxUploadBytes"] = "10000" }, _ct);
        using var client = host.Client();

        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), Multipart.Files((field, [.. Jpeg(), .. new byte[200_000]], "huge.jpg")), _ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than the limit of 10,000 bytes", await response.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/detections")]
    [InlineData("/api/recognitions")]
    public async Task A_picture_in_the_wrong_field_gets_400_naming_the_right_one(string path)
    {
        await using var host = await WebTierHost.StartAsync(cloud, "api-field", null, _ct);
        using var client = host.Client();

        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), Multipart.Files(("inputFile", Jpeg(), "a.jpg")), _ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("must be in the multipart field 'file' (the form had a file in 'inputFile')", await response.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_verification_needs_first_and_either_second_or_an_identity()
    {
        await using var host = await WebTierHost.StartAsync(cloud, "api-verify", null, _ct);
        using var client = host.Client();
        var cases = new (MultipartFormDataContent Form, string Reason)[]
        {
            (Multipart.Files(("file", Jpeg(), "a.jpg")), "the form had files in 'file'"),
            (Multipart.Files(("first", Jpeg(), "a.jpg")), "either a second picture in 'second' or an enrolled name in 'identity'"),
            (Multipart.Files(("second", Jpeg(), "a.jpg"), ("third", Jpeg(), "b.jpg")), "Send the first picture in 'first'"),
            (WithText(Multipart.Files(("first", Jpeg(), "a.jpg"), ("second", Jpeg(), "b.jpg")), "identity", "Ann"), "and the name 'Ann'"),
            (WithText(Multipart.Files(("first", Jpeg(), "a.jpg")), "identity", "not a name!"), "is not a valid name"),
            (Multipart.Files(("first", [.. "just text"u8], "a.jpg"), ("second", Jpeg(), "b.jpg")), "not a picture by its content"),
        };
        foreach (var (form, reason) in cases)
        {
            using var response = await client.PostAsync(new Uri("/api/verifications", UriKind.Relative), form, _ct);
            var body = await response.Content.ReadAsStringAsync(_ct);
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType, $"{reason}: {response.StatusCode} {body}");
            Assert.Contains(reason, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Unknown_identities_and_faces_get_404_and_malformed_ones_400()
    {
        await using var host = await WebTierHost.StartAsync(cloud, "api-faces", null, _ct);
        using var client = host.Client(WebTierHost.ApiKey);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/api/identities/Nobody", UriKind.Relative), _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/api/identities/Nobody/faces/0123456789abcdef/thumbnail", UriKind.Relative), _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync(new Uri("/api/identities/Nobody/faces/..%2F..%2Fgallery.frg/thumbnail", UriKind.Relative), _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync(new Uri("/api/identities/bad%20name", UriKind.Relative), _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.DeleteAsync(new Uri("/api/identities/Ann/faces/XYZ", UriKind.Relative), _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.DeleteAsync(new Uri("/api/identities/Ann/faces/0123456789ABCDEF", UriKind.Relative), _ct)).StatusCode);
    }

    [Fact]
    public async Task The_api_reference_page_and_its_script_are_served_by_the_web_tier()
    {
        await using var host = await WebTierHost.StartAsync(cloud, "api-reference", new Dictionary<string, string> { ["FrontDoor:KeyRequiredFor"] = "Api" }, _ct);
        using var client = host.Client();

        using var page = await client.GetAsync(new Uri("/api/reference", UriKind.Relative), _ct);
        var html = await page.Content.ReadAsStringAsync(_ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("\"url\":\"api/openapi.json\"", html, StringComparison.Ordinal);
        var script = System.Text.RegularExpressions.Regex.Match(html, "<script[^>]+src=\"([^\"]+)\"").Groups[1].Value;
        Assert.False(script.StartsWith("http", StringComparison.Ordinal), $"the page loads its script from elsewhere: {script}");
        using var js = await client.GetAsync(new Uri(new Uri(client.BaseAddress!, "/api/reference/"), script), _ct);
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.True((await js.Content.ReadAsByteArrayAsync(_ct)).Length > 100_000);
    }

    private static MultipartFormDataContent WithText(MultipartFormDataContent form, string field, string value)
    {
        form.Add(new StringContent(value), field);
        return form;
    }

    /// <summary>The start of a JPEG: enough for the web tier's check by content (it does not decode).</summary>
    private static byte[] Jpeg() => [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
}
