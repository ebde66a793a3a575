using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS.Model;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Vision;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>What the video tests do against a running system: enrol, upload, wait for answers, read dead letters.</summary>
internal sealed class VideoRun(AppHostRun run) : IDisposable
{
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(6);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public TopologyNames Names { get; } = new(TopologyNames.DefaultPrefix);

    public HttpClient Http { get; } = run.KeyedWebTierClient(TimeSpan.FromMinutes(2));

    public AmazonS3Client S3 { get; } = run.S3();

    /// <summary>Enrols <paramref name="name"/> through the web tier (the app tier computes the descriptor).</summary>
    public async Task Enroll(string name, byte[] picture)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(picture);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(content, "face", $"{name}.jpg");
        using var response = await Http.PostAsync(new Uri($"/api/identities/{name}/faces", UriKind.Relative), form, _ct);
        Assert.True(response.IsSuccessStatusCode, $"Enrolling {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(_ct)}");
    }

    /// <summary>POST /api/videos with one file.</summary>
    public async Task<(HttpStatusCode Status, string Body)> Upload(string path, string fileName)
    {
        using var form = new MultipartFormDataContent();
        var content = new StreamContent(File.OpenRead(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        form.Add(content, "file", fileName);
        using var response = await Http.PostAsync(new Uri("/api/videos", UriKind.Relative), form, _ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(_ct));
    }

    /// <summary>Puts a file straight into the input bucket, as the original workload generator does.</summary>
    public Task PutVideo(string path, string key) =>
        S3.PutObjectAsync(new PutObjectRequest { BucketName = Names.VideoInputBucket, Key = key, FilePath = path }, _ct);

    /// <summary>GET /api/videos/{stem} until it is recognised or failed.</summary>
    public async Task<JsonElement> Settled(string stem)
    {
        var deadline = DateTime.UtcNow + AnswerTimeout;
        while (true)
        {
            using var response = await Http.GetAsync(new Uri($"/api/videos/{stem}", UriKind.Relative), _ct);
            if (response.IsSuccessStatusCode)
            {
                var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_ct)).RootElement.Clone();
                if (status.GetProperty("status").GetString() is "recognised" or "failed")
                {
                    return status;
                }
            }
            Assert.True(DateTime.UtcNow < deadline, $"{stem} was not recognised within {AnswerTimeout.TotalMinutes} min.");
            await Task.Delay(200, _ct);
        }
    }

    /// <summary>The answers in the output bucket, by stem, once <paramref name="count"/> are there.</summary>
    public async Task<Dictionary<string, string>> Answers(int count)
    {
        var deadline = DateTime.UtcNow + AnswerTimeout;
        while (true)
        {
            var keys = await ResultKeys();
            if (keys.Count >= count)
            {
                var answers = new Dictionary<string, string>();
                foreach (var key in keys)
                {
                    using var result = await S3.GetObjectAsync(Names.VideoOutputBucket, key, _ct);
                    answers[key[..^4]] = await new StreamReader(result.ResponseStream).ReadToEndAsync(_ct);
                }
                return answers;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Only {keys.Count} of {count} answers within {AnswerTimeout.TotalMinutes} min.");
            await Task.Delay(250, _ct);
        }
    }

    /// <summary>The result keys (<c>&lt;stem&gt;.txt</c>) in the video output bucket, without failure records.</summary>
    public async Task<List<string>> ResultKeys()
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = Names.VideoOutputBucket, Delimiter = "/" };
        ListObjectsV2Response page;
        do
        {
            page = await S3.ListObjectsV2Async(request, _ct);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key).Where(k => k.EndsWith(".txt", StringComparison.Ordinal)));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
        return keys;
    }

    /// <summary>Every message in a dead-letter queue: body and cause.</summary>
    public async Task<List<(string Body, string? Cause)>> DeadLetters(string queue, int atLeast)
    {
        using var sqs = run.Sqs();
        var url = (await sqs.GetQueueUrlAsync(queue, _ct)).QueueUrl;
        var letters = new List<(string, string?)>();
        var deadline = DateTime.UtcNow + AnswerTimeout;
        do
        {
            var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = url,
                MaxNumberOfMessages = 10,
                WaitTimeSeconds = 1,
                MessageAttributeNames = ["All"],
                VisibilityTimeout = 300,
            }, _ct);
            letters.AddRange((received.Messages ?? []).Select(m =>
                (m.Body, m.MessageAttributes?.TryGetValue("ErrorMessage", out var cause) == true ? cause.StringValue : null)));
        }
        while (letters.Count < atLeast && DateTime.UtcNow < deadline);
        return letters;
    }

    /// <summary>The face a photo's answer is about, cropped with a margin: a picture with one face to enrol.</summary>
    public static byte[] MainFace(string photoPath)
    {
        var photo = File.ReadAllBytes(photoPath);
        using var engine = new FaceRecognizer(Options.Create(new VisionOptions()));
        var box = engine.Recognize(photo, new FaceRecognition.Identities.Gallery()).AnswerFace!.Face.Box;
        using var bitmap = SKBitmap.Decode(photo);
        var pad = box.Width * 0.4;
        var rect = SKRectI.Create((int)Math.Max(0, box.X - pad), (int)Math.Max(0, box.Y - pad), (int)(box.Width + (2 * pad)), (int)(box.Height + (2 * pad)));
        using var subset = new SKBitmap();
        bitmap.ExtractSubset(subset, rect);
        using var encoded = subset.Encode(SKEncodedImageFormat.Jpeg, 95);
        return encoded.ToArray();
    }

    public void Dispose()
    {
        Http.Dispose();
        S3.Dispose();
    }
}
