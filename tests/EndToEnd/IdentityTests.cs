using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FaceRecognition.Vision;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>Enrolment through the web tier (a job for the app tier), listing, recognition of the enrolled, removal.</summary>
public sealed class IdentityTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task People_enrolled_through_the_api_are_recognised_listed_and_forgotten()
    {
        var group = await File.ReadAllBytesAsync(TestFiles.FaceApiDemo("sample1.jpg"), _ct);
        var (tight, wide) = DemoFaces.Crops(group, fromLeft: 0);
        var data = Directory.CreateTempSubdirectory("facerec-e2e-").FullName;
        await using var run = await AppHostRun.StartAsync(data, _ct);
        await run.WebTierHealthy(_ct);
        using var http = run.KeyedWebTierClient(TimeSpan.FromMinutes(2));

        var first = await Enroll(http, "Ann", ("a", tight, "ann.png"));
        var second = await Enroll(http, "Ann", ("x", wide, "ann-wide.png"), ("y", group, "group.jpg"));
        var onlyGroup = await Enroll(http, "Bea", ("z", group, "group.jpg"));
        var badName = await Enroll(http, "bad name!", ("a", tight, "ann.png"));
        var tooSmall = await Enroll(http, "Cid", ("t", Shrunk(tight, side: 48), "tiny.png"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(1, first.Json!.Value.GetProperty("enrolled").GetInt32());
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(1, second.Json!.Value.GetProperty("enrolled").GetInt32());
        Assert.Contains("3 faces found", second.Json.Value.GetProperty("skipped")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, onlyGroup.Status);
        Assert.Contains("3 faces found", onlyGroup.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badName.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooSmall.Status);
        Assert.Contains("tiny.png: face too small", tooSmall.Body, StringComparison.Ordinal);
        Assert.Equal("[{\"name\":\"Ann\",\"faces\":2}]", await http.GetStringAsync(new Uri("/api/identities", UriKind.Relative), _ct));

        using var recognised = await http.PostAsync(new Uri("/api/recognitions", UriKind.Relative), TestFiles.Form("file", group, "sample1.jpg"), _ct);
        using var json = JsonDocument.Parse(await recognised.Content.ReadAsStringAsync(_ct));
        var names = json.RootElement.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToArray();
        Assert.Equal(["Ann", "Unknown", "Unknown"], names.Order());

        using var removed = await http.DeleteAsync(new Uri("/api/identities/Ann", UriKind.Relative), _ct);
        using var again = await http.DeleteAsync(new Uri("/api/identities/Ann", UriKind.Relative), _ct);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("[]", await http.GetStringAsync(new Uri("/api/identities", UriKind.Relative), _ct));
    }

    private async Task<(HttpStatusCode Status, string Body, JsonElement? Json)> Enroll(HttpClient http, string name, params (string Field, byte[] Bytes, string FileName)[] files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (field, bytes, fileName) in files)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, field, fileName);
        }
        using var response = await http.PostAsync(new Uri($"/api/identities/{Uri.EscapeDataString(name)}/faces", UriKind.Relative), form, _ct);
        var body = await response.Content.ReadAsStringAsync(_ct);
        return (response.StatusCode, body, response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.Clone() : null);
    }

    /// <summary>The picture scaled down to <paramref name="side"/> pixels square: its face stays findable but too small to enrol.</summary>
    private static byte[] Shrunk(byte[] picture, int side)
    {
        using var bitmap = SKBitmap.Decode(picture);
        using var small = bitmap.Resize(new SKImageInfo(side, side), new SKSamplingOptions(SKCubicResampler.Mitchell));
        using var encoded = small.Encode(SKEncodedImageFormat.Png, 100);
        return encoded.ToArray();
    }
}
