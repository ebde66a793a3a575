using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FaceRecognition.Tests.Support;
using SkiaSharp;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>One system, started as ./run.sh starts it, for the API on faces.</summary>
public sealed class FaceApiSystem : IAsyncLifetime
{
    public AppHostRun Run { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var data = Directory.CreateTempSubdirectory("facerec-e2e-").FullName;
        Run = await AppHostRun.StartAsync(data, TestContext.Current.CancellationToken);
        await Run.WebTierHealthy(TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync() => Run.DisposeAsync();
}

/// <summary>Detections, verifications, face ids and the threshold and maxFaces parameters, through the whole system.</summary>
public sealed class FaceApiTests(FaceApiSystem system) : IClassFixture<FaceApiSystem>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Detections_give_boxes_scores_and_landmarks_and_draw_them_on_request()
    {
        var group = await File.ReadAllBytesAsync(TestFiles.FaceApiDemo("sample1.jpg"), _ct);
        using var http = new HttpClient { BaseAddress = system.Run.WebTierUrl, Timeout = TimeSpan.FromMinutes(2) };

        using var all = await http.PostAsync(new Uri("/api/detections", UriKind.Relative), TestFiles.Form("file", group, "sample1.jpg"), _ct);
        using var one = await http.PostAsync(new Uri("/api/detections?maxFaces=1&landmarks=false", UriKind.Relative), TestFiles.Form("file", group, "sample1.jpg"), _ct);
        using var drawn = await http.PostAsync(new Uri("/api/detections?draw=true&format=png", UriKind.Relative), TestFiles.Form("file", group, "sample1.jpg"), _ct);
        using var blank = await http.PostAsync(new Uri("/api/detections", UriKind.Relative), TestFiles.Form("file", Blank(), "blank.png"), _ct);
        using var text = await http.PostAsync(new Uri("/api/detections", UriKind.Relative), TestFiles.Form("file", "not a picture at all"u8.ToArray(), "text.jpg"), _ct);

        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        using var allJson = JsonDocument.Parse(await all.Content.ReadAsStringAsync(_ct));
        var faces = allJson.RootElement.GetProperty("faces").EnumerateArray().ToArray();
        Assert.Equal(3, faces.Length);
        using var photo = SKBitmap.Decode(group);
        Assert.Equal((photo.Width, photo.Height), (allJson.RootElement.GetProperty("width").GetInt32(), allJson.RootElement.GetProperty("height").GetInt32()));
        Assert.All(faces, f =>
        {
            Assert.Equal(4, f.GetProperty("box").GetArrayLength());
            Assert.InRange(f.GetProperty("score").GetSingle(), 0.5f, 1f);
            Assert.Equal(136, f.GetProperty("landmarks").GetArrayLength());
        });
        Assert.Equal(faces.Select(f => f.GetProperty("score").GetSingle()).OrderDescending(), faces.Select(f => f.GetProperty("score").GetSingle()));

        using var oneJson = JsonDocument.Parse(await one.Content.ReadAsStringAsync(_ct));
        var only = Assert.Single(oneJson.RootElement.GetProperty("faces").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, only.GetProperty("landmarks").ValueKind);
        Assert.Equal(faces[0].GetProperty("score").GetSingle(), only.GetProperty("score").GetSingle());

        Assert.Equal(HttpStatusCode.OK, drawn.StatusCode);
        Assert.Equal("image/png", drawn.Content.Headers.ContentType?.MediaType);
        Assert.Equal("3", drawn.Headers.GetValues("X-Face-Count").Single());
        using var picture = SKBitmap.Decode(await drawn.Content.ReadAsByteArrayAsync(_ct));
        Assert.Equal((photo.Width, photo.Height), (picture.Width, picture.Height));
        var box = faces[0].GetProperty("box").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(SKColors.Lime, picture.GetPixel((int)(box[0] + (box[2] / 2)), (int)box[1]));

        Assert.Equal(HttpStatusCode.OK, blank.StatusCode);
        using var blankJson = JsonDocument.Parse(await blank.Content.ReadAsStringAsync(_ct));
        Assert.Equal(0, blankJson.RootElement.GetProperty("faces").GetArrayLength());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
    }

    [Fact]
    public async Task Enrolled_faces_have_ids_thumbnails_and_sources_and_one_can_be_removed()
    {
        var group = await File.ReadAllBytesAsync(TestFiles.FaceApiDemo("sample1.jpg"), _ct);
        var (tight, wide) = DemoFaces.Crops(group, fromLeft: 1);
        using var keyed = system.Run.KeyedWebTierClient(TimeSpan.FromMinutes(2));
        using var keyless = new HttpClient { BaseAddress = system.Run.WebTierUrl, Timeout = TimeSpan.FromMinutes(2) };

        using var enrolled = await keyed.PostAsync(new Uri("/api/identities/Dee/faces", UriKind.Relative), Multipart.Files(("a", tight, "dee.png"), ("b", wide, "dee-wide.png")), _ct);
        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        using var enrolledJson = JsonDocument.Parse(await enrolled.Content.ReadAsStringAsync(_ct));
        var ids = enrolledJson.RootElement.GetProperty("faceIds").EnumerateArray().Select(i => i.GetString()!).ToArray();
        Assert.Equal(2, ids.Length);

        var listed = await Faces(keyless, "Dee");
        Assert.Equal(ids.Order(), listed.Select(f => f.Id).Order());
        Assert.Equal(["dee-wide.png", "dee.png"], listed.Select(f => f.Source).Order());
        Assert.All(listed, f => Assert.InRange(f.EnrolledAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1)));
        foreach (var face in listed)
        {
            using var thumbnail = await keyless.GetAsync(new Uri(face.Thumbnail, UriKind.Relative), _ct);
            Assert.Equal("image/jpeg", thumbnail.Content.Headers.ContentType?.MediaType);
            using var image = SKBitmap.Decode(await thumbnail.Content.ReadAsByteArrayAsync(_ct));
            Assert.InRange(Math.Max(image.Width, image.Height), 32, 112);
        }

        using var withoutKey = await keyless.DeleteAsync(new Uri($"/api/identities/Dee/faces/{ids[0]}", UriKind.Relative), _ct);
        using var removed = await keyed.DeleteAsync(new Uri($"/api/identities/Dee/faces/{ids[0]}", UriKind.Relative), _ct);
        using var again = await keyed.DeleteAsync(new Uri($"/api/identities/Dee/faces/{ids[0]}", UriKind.Relative), _ct);
        using var goneThumbnail = await keyless.GetAsync(new Uri(listed.Single(f => f.Id == ids[0]).Thumbnail, UriKind.Relative), _ct);

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Contains("has no face", await again.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, goneThumbnail.StatusCode);
        Assert.Equal([ids[1]], (await Faces(keyless, "Dee")).Select(f => f.Id));

        using var last = await keyed.DeleteAsync(new Uri($"/api/identities/Dee/faces/{ids[1]}", UriKind.Relative), _ct);
        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await keyless.GetAsync(new Uri("/api/identities/Dee", UriKind.Relative), _ct)).StatusCode);
    }

    [Fact]
    public async Task Verifications_compare_two_pictures_or_a_picture_and_an_identity_and_recognitions_take_a_threshold()
    {
        var group = await File.ReadAllBytesAsync(TestFiles.FaceApiDemo("sample1.jpg"), _ct);
        var (annTight, annWide) = DemoFaces.Crops(group, fromLeft: 0);
        var (other, _) = DemoFaces.Crops(group, fromLeft: 2);
        using var keyed = system.Run.KeyedWebTierClient(TimeSpan.FromMinutes(2));
        using var http = new HttpClient { BaseAddress = system.Run.WebTierUrl, Timeout = TimeSpan.FromMinutes(2) };
        using (var enrolled = await keyed.PostAsync(new Uri("/api/identities/Eve/faces", UriKind.Relative), Multipart.Files(("a", annWide, "eve.png")), _ct))
        {
            Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        }

        var same = await Verify(http, "", ("first", annTight, "a.png"), ("second", annWide, "b.png"));
        var different = await Verify(http, "", ("first", annTight, "a.png"), ("second", other, "c.png"));
        var strict = await Verify(http, "?threshold=0.01", ("first", annTight, "a.png"), ("second", annWide, "b.png"));
        var byIdentity = await Verify(http, "", ("first", annTight, "a.png"), ("identity", [.. "Eve"u8], ""));
        var unknownIdentity = await Verify(http, "", ("first", annTight, "a.png"), ("identity", [.. "Nobody"u8], ""));
        var noFace = await Verify(http, "", ("first", Blank(), "blank.png"), ("second", annWide, "b.png"));
        // A picture of several people is compared by the face its answer would be about: the largest.
        var largest = VideoRun.MainFace(TestFiles.FaceApiDemo("sample1.jpg"));
        var several = await Verify(http, "", ("first", group, "group.jpg"), ("second", largest, "largest.jpg"));

        Assert.Equal(HttpStatusCode.OK, same.Status);
        Assert.True(same.Json!.Value.GetProperty("samePerson").GetBoolean(), same.Body);
        Assert.Equal(0.55f, same.Json.Value.GetProperty("threshold").GetSingle(), 1e-6f);
        Assert.Equal(4, same.Json.Value.GetProperty("second").GetProperty("box").GetArrayLength());
        Assert.False(different.Json!.Value.GetProperty("samePerson").GetBoolean(), different.Body);
        Assert.True(different.Json.Value.GetProperty("distance").GetSingle() > same.Json.Value.GetProperty("distance").GetSingle());
        Assert.False(strict.Json!.Value.GetProperty("samePerson").GetBoolean(), strict.Body);
        Assert.Equal(0.01f, strict.Json.Value.GetProperty("threshold").GetSingle(), 1e-6f);
        Assert.Equal(same.Json.Value.GetProperty("distance").GetSingle(), strict.Json.Value.GetProperty("distance").GetSingle());
        Assert.True(byIdentity.Json!.Value.GetProperty("samePerson").GetBoolean(), byIdentity.Body);
        Assert.Equal("Eve", byIdentity.Json.Value.GetProperty("identity").GetString());
        Assert.Equal(JsonValueKind.Null, byIdentity.Json.Value.GetProperty("second").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, unknownIdentity.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noFace.Status);
        Assert.True(several.Json!.Value.GetProperty("samePerson").GetBoolean(), several.Body);
        var firstBox = several.Json.Value.GetProperty("first").GetProperty("box").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        using (var detected = await http.PostAsync(new Uri("/api/detections?landmarks=false", UriKind.Relative), TestFiles.Form("file", group, "sample1.jpg"), _ct))
        using (var detectedJson = JsonDocument.Parse(await detected.Content.ReadAsStringAsync(_ct)))
        {
            var areas = detectedJson.RootElement.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("box").EnumerateArray().Select(v => v.GetSingle()).ToArray()).Select(b => b[2] * b[3]).ToArray();
            Assert.Equal(areas.Max(), firstBox[2] * firstBox[3], 1f);
        }
        Assert.Contains("first picture shows no face", noFace.Body, StringComparison.Ordinal);

        using var loose = await http.PostAsync(new Uri("/api/recognitions?landmarks=true", UriKind.Relative), TestFiles.Form("file", group, "sample1.jpg"), _ct);
        using var tight = await http.PostAsync(new Uri("/api/recognitions?threshold=0.01&maxFaces=2", UriKind.Relative), TestFiles.Form("file", group, "sample1.jpg"), _ct);
        using var looseJson = JsonDocument.Parse(await loose.Content.ReadAsStringAsync(_ct));
        using var tightJson = JsonDocument.Parse(await tight.Content.ReadAsStringAsync(_ct));
        Assert.Contains("Eve", looseJson.RootElement.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        Assert.All(looseJson.RootElement.GetProperty("faces").EnumerateArray(), f => Assert.Equal(136, f.GetProperty("landmarks").GetArrayLength()));
        Assert.Equal(0.55f, looseJson.RootElement.GetProperty("threshold").GetSingle(), 1e-6f);
        Assert.Equal(2, tightJson.RootElement.GetProperty("faces").GetArrayLength());
        Assert.DoesNotContain("Eve", tightJson.RootElement.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        Assert.Equal(0.01f, tightJson.RootElement.GetProperty("threshold").GetSingle(), 1e-6f);
    }

    private sealed record ListedFace(string Id, DateTimeOffset EnrolledAt, string Source, string Thumbnail);

    private async Task<ListedFace[]> Faces(HttpClient http, string name)
    {
        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/identities/{name}", UriKind.Relative), _ct));
        Assert.Equal(name, json.RootElement.GetProperty("name").GetString());
        return [.. json.RootElement.GetProperty("faces").EnumerateArray().Select(f => new ListedFace(f.GetProperty("id").GetString()!,
            f.GetProperty("enrolledAt").GetDateTimeOffset(), f.GetProperty("source").GetString()!, f.GetProperty("thumbnail").GetString()!))];
    }

    private async Task<(HttpStatusCode Status, string Body, JsonElement? Json)> Verify(HttpClient http, string query, params (string Field, byte[] Bytes, string FileName)[] parts)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (field, bytes, fileName) in parts)
        {
            if (fileName.Length == 0)
            {
                form.Add(new StringContent(System.Text.Encoding.UTF8.GetString(bytes)), field);
                continue;
            }
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, field, fileName);
        }
        using var response = await http.PostAsync(new Uri("/api/verifications" + query, UriKind.Relative), form, _ct);
        var body = await response.Content.ReadAsStringAsync(_ct);
        return (response.StatusCode, body, response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.Clone() : null);
    }

    /// <summary>A picture with no face: a grey gradient.</summary>
    private static byte[] Blank()
    {
        using var bitmap = new SKBitmap(320, 240);
        for (var y = 0; y < 240; y++)
        {
            for (var x = 0; x < 320; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)x, (byte)x, (byte)x));
            }
        }
        using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return encoded.ToArray();
    }
}
