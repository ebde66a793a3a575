using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Amazon.S3.Model;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Identities;
using FaceRecognition.Vision;
using Microsoft.Extensions.Options;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>The image path through the whole AppHost: web tier -> S3 + request queue -> app tier -> reply.</summary>
public sealed class ImagePathTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private static readonly TopologyNames s_names = new(TopologyNames.DefaultPrefix);
    private const string LoadReplyTimeout = "--WebTier:ReplyTimeoutSeconds=120";

    [Fact]
    public async Task Lookup_mode_answers_the_original_workload_1000_of_1000_with_100_concurrent_clients()
    {
        var (folder, labels) = TestFiles.AsuFaces();
        var expected = TestFiles.Labels(labels);
        // Correctness under load, not latency (bench/EndToEnd measures that): requests may queue longer than the default 30 s
        // on a slow machine while the fleet starts from zero.
        await using var run = await Start("--Recognition:Mode=lookup", $"--Recognition:LookupTable={labels}", LoadReplyTimeout);
        using var http = new HttpClient { BaseAddress = run.WebTierUrl, Timeout = TimeSpan.FromMinutes(2) };

        var answers = new ConcurrentDictionary<string, string>();
        await Parallel.ForEachAsync(expected.Keys.Order(), new ParallelOptions { MaxDegreeOfParallelism = 100, CancellationToken = _ct }, async (stem, ct) =>
        {
            using var form = TestFiles.Form("inputFile", await File.ReadAllBytesAsync(Path.Combine(folder, stem + ".jpg"), ct), stem + ".jpg");
            using var response = await http.PostAsync(new Uri("/", UriKind.Relative), form, ct);
            answers[stem] = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
        });

        Assert.Equal(1000, answers.Count);
        Assert.All(expected, e => Assert.Equal($"200 {e.Key}:{e.Value}", answers[e.Key]));
        using var s3 = run.S3();
        var stored = new Dictionary<string, string>();
        foreach (var stem in expected.Keys)
        {
            using var result = await s3.GetObjectAsync(s_names.OutputBucket, stem, _ct);
            using var reader = new StreamReader(result.ResponseStream);
            stored[stem] = await reader.ReadToEndAsync(_ct);
        }
        Assert.Equal(expected, stored);
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = s_names.OutputBucket, MaxKeys = 1000 }, _ct);
        Assert.Equal(1000, listed.KeyCount);
    }

    [Fact]
    public async Task Model_mode_answers_100_requests_correctly_with_the_10_pictures_enrolled_under_their_labels()
    {
        var (folder, labels) = TestFiles.AsuFaces();
        var expected = TestFiles.Labels(labels);
        await using var run = await Start(LoadReplyTimeout);
        await UploadGallery(run, Enumerable.Range(0, 10).Select(i => $"test_{i:000}").Select(s => (expected[s], Path.Combine(folder, s + ".jpg"))));
        using var http = new HttpClient { BaseAddress = run.WebTierUrl, Timeout = TimeSpan.FromMinutes(2) };
        await WaitForGallery(http, Path.Combine(folder, "test_000.jpg"), $"test_000:{expected["test_000"]}");

        var answers = new ConcurrentDictionary<string, string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 100).Select(i => $"test_{i:000}"), new ParallelOptions { MaxDegreeOfParallelism = 100, CancellationToken = _ct }, async (stem, ct) =>
        {
            using var form = TestFiles.Form("inputFile", await File.ReadAllBytesAsync(Path.Combine(folder, stem + ".jpg"), ct), stem + ".jpg");
            using var response = await http.PostAsync(new Uri("/", UriKind.Relative), form, ct);
            answers[stem] = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
        });

        Assert.All(answers, a => Assert.Equal($"200 {a.Key}:{expected[a.Key]}", a.Value));
        Assert.Equal(100, answers.Count);
    }

    [Fact]
    public async Task A_photo_is_answered_with_its_faces_as_json_and_unknown_faces_before_anyone_is_enrolled_in_one_trace_across_the_processes()
    {
        var photo = await File.ReadAllBytesAsync(TestFiles.FaceApiDemo("sample1.jpg"), _ct);
        await using var run = await Start();
        using var http = new HttpClient { BaseAddress = run.WebTierUrl, Timeout = TimeSpan.FromMinutes(2) };

        using var original = await http.PostAsync(new Uri("/", UriKind.Relative), TestFiles.Form("inputFile", photo, "sample1.jpg"), _ct);
        using var api = await http.PostAsync(new Uri("/api/recognitions", UriKind.Relative), TestFiles.Form("file", photo, "sample1.jpg"), _ct);
        using var stored = await http.GetAsync(new Uri("/api/results/sample1", UriKind.Relative), _ct);

        Assert.Equal("sample1:Unknown", await original.Content.ReadAsStringAsync(_ct));
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        using var json = JsonDocument.Parse(await api.Content.ReadAsStringAsync(_ct));
        Assert.Equal("Unknown", json.RootElement.GetProperty("answer").GetString());
        Assert.Equal("NoMatch", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("faces").GetArrayLength());
        Assert.Equal(32, json.RootElement.GetProperty("requestId").GetString()!.Length);
        Assert.Contains("\"name\":\"Unknown\"", await stored.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);

        // A caller's trace: web tier -> request message -> app tier, whose output object names the trace it was written in.
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        using var traced = new HttpRequestMessage(HttpMethod.Post, "/api/recognitions") { Content = TestFiles.Form("file", photo, "traced.jpg") };
        traced.Headers.Add("traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var tracedResponse = await http.SendAsync(traced, _ct);
        Assert.Equal(HttpStatusCode.OK, tracedResponse.StatusCode);
        using var s3 = run.S3();
        var metadata = (await s3.GetObjectMetadataAsync(s_names.OutputBucket, "traced", _ct)).Metadata;
        Assert.Equal(traceId, metadata["x-amz-meta-traceparent"].Split('-')[1]);
    }

    [Fact]
    public async Task Hostile_uploads_get_their_documented_errors_while_good_requests_keep_being_answered()
    {
        var photo = await File.ReadAllBytesAsync(TestFiles.FaceApiDemo("sample2.jpg"), _ct);
        await using var run = await Start();
        using var http = new HttpClient { BaseAddress = run.WebTierUrl, Timeout = TimeSpan.FromMinutes(2) };
        async Task<(HttpStatusCode, string)> Post(HttpContent content, string path = "/")
        {
            // Expect: 100-continue, as curl sends for large bodies: a refused upload is answered before it is sent.
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
            request.Headers.ExpectContinue = true;
            using var response = await http.SendAsync(request, _ct);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(_ct));
        }

        var empty = await Post(TestFiles.Form("inputFile", [], "a.jpg"));
        var huge = await Post(TestFiles.Form("inputFile", new byte[11 * 1024 * 1024], "big.jpg"));
        var text = await Post(TestFiles.Form("inputFile", "just text"u8.ToArray(), "text.jpg"));
        var field = await Post(TestFiles.Form("image", photo, "sample2.jpg"));
        var traversal = await Post(TestFiles.Form("inputFile", photo, "../../etc/passwd.jpg"));
        var control = await Post(TestFiles.Form("inputFile", photo, "a\u0001b.jpg"));
        var notForm = await Post(new StringContent("inputFile=x"));
        var apiText = await Post(TestFiles.Form("file", "not a picture"u8.ToArray(), "x.png"), "/api/recognitions");
        var badStem = await http.GetAsync(new Uri("/api/results/..%2Fsecret", UriKind.Relative), _ct);

        Assert.Equal(HttpStatusCode.BadRequest, empty.Item1);
        Assert.Contains("empty", empty.Item2, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.Item1);
        Assert.Contains("limit", huge.Item2, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.Item1);
        Assert.Contains("not a picture", text.Item2, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, field.Item1);
        Assert.Contains("'inputFile'", field.Item2, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, traversal.Item1);
        Assert.Equal(HttpStatusCode.BadRequest, control.Item1);
        Assert.Equal(HttpStatusCode.BadRequest, notForm.Item1);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, apiText.Item1);
        Assert.Contains("\"detail\"", apiText.Item2, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badStem.StatusCode);

        // 1000 tiny bad requests at once, then a good one is still answered.
        var statuses = new ConcurrentBag<HttpStatusCode>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 1000), new ParallelOptions { MaxDegreeOfParallelism = 100, CancellationToken = _ct }, async (i, ct) =>
        {
            using var response = await http.PostAsync(new Uri("/", UriKind.Relative), TestFiles.Form("inputFile", [(byte)i], $"tiny{i}.jpg"), ct);
            statuses.Add(response.StatusCode);
        });
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.UnsupportedMediaType, s));
        Assert.Equal((HttpStatusCode.OK, "sample2:Unknown"), await Post(TestFiles.Form("inputFile", photo, "sample2.jpg")));
    }

    private async Task<AppHostRun> Start(params string[] arguments)
    {
        var data = Directory.CreateTempSubdirectory("facerec-e2e-").FullName;
        var run = await AppHostRun.StartAsync(data, _ct, arguments);
        await run.WebTierHealthy(_ct);
        return run;
    }

    private async Task UploadGallery(AppHostRun run, IEnumerable<(string Name, string Picture)> enrolments)
    {
        using var engine = new FaceRecognizer(Options.Create(new VisionOptions()));
        var gallery = new Gallery();
        foreach (var (name, picture) in enrolments)
        {
            var faces = engine.Analyze(engine.Decode(await File.ReadAllBytesAsync(picture, _ct)));
            gallery.Enroll(name, [Assert.Single(faces).Descriptor]);
        }
        using var content = new MemoryStream();
        gallery.Save(content);
        using var s3 = run.S3();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = s_names.GalleryBucket, Key = TopologyNames.GalleryObjectKey, InputStream = content }, _ct);
    }

    /// <summary>The app tier re-reads the gallery within seconds; wait until a request shows it did.</summary>
    private async Task WaitForGallery(HttpClient http, string picture, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var bytes = await File.ReadAllBytesAsync(picture, _ct);
        string answer;
        do
        {
            using var response = await http.PostAsync(new Uri("/", UriKind.Relative), TestFiles.Form("inputFile", bytes, Path.GetFileName(picture)), _ct);
            answer = await response.Content.ReadAsStringAsync(_ct);
        }
        while (answer != expected && DateTime.UtcNow < deadline);
        Assert.Equal(expected, answer);
    }
}
