using System.Collections.Concurrent;
using FaceRecognition.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FaceRecognition.LoadGen.Tests;

/// <summary>The load generator against a small real HTTP server that answers right, wrong or not at all.</summary>
public sealed class LoadRunTests : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("facerec-loadgen-").FullName;
    private readonly ConcurrentDictionary<string, int> _attempts = new();
    private LocalHttpServer? _server;

    [Fact]
    public async Task Counts_correct_wrong_and_failed_answers_and_retries_failures()
    {
        var labels = Pictures(("test_000", "Paul"), ("test_001", "Emily"), ("test_002", "Bob"), ("test_003", "Ann"));
        // test_001 is answered wrongly; test_002 fails twice then succeeds; test_003 always fails.
        var url = await Serve(async context =>
        {
            var form = await context.Request.ReadFormAsync();
            var stem = Path.GetFileNameWithoutExtension(form.Files["inputFile"]!.FileName);
            var attempt = _attempts.AddOrUpdate(stem, 1, (_, n) => n + 1);
            if (stem == "test_003" || (stem == "test_002" && attempt <= 2))
            {
                context.Response.StatusCode = 503;
                return;
            }
            await context.Response.WriteAsync($"{stem}:{(stem == "test_001" ? "Someone" : labels[stem])}");
        });
        using var http = new HttpClient();

        var summary = await LoadRun.RunAsync(new LoadSettings(url, _folder, labels, Requests: 4, Concurrency: 2, Retries: 2), http, CancellationToken.None);

        Assert.Equal((4, 2, 1, 1), (summary.Requests, summary.Correct, summary.Wrong, summary.Errors));
        Assert.Equal(4, summary.Retried);
        Assert.Equal(3, _attempts["test_003"]);
        Assert.True(summary.P50Ms > 0 && summary.MaxMs >= summary.P99Ms && summary.P99Ms >= summary.P50Ms);
        Assert.Contains("correct 2, wrong 1, errors 1", summary.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pictures_are_cycled_when_there_are_more_requests_than_pictures()
    {
        var labels = Pictures(("test_000", "Paul"), ("test_001", "Emily"));
        var url = await Serve(async context =>
        {
            var form = await context.Request.ReadFormAsync();
            var stem = Path.GetFileNameWithoutExtension(form.Files["inputFile"]!.FileName);
            _attempts.AddOrUpdate(stem, 1, (_, n) => n + 1);
            await context.Response.WriteAsync($"{stem}:{labels[stem]}");
        });
        using var http = new HttpClient();

        var summary = await LoadRun.RunAsync(new LoadSettings(url, _folder, labels, Requests: 10, Concurrency: 3, Retries: 0), http, CancellationToken.None);

        Assert.Equal(10, summary.Correct);
        Assert.Equal(5, _attempts["test_000"]);
        Assert.Equal(5, _attempts["test_001"]);
    }

    [Fact]
    public void The_label_table_is_read_without_its_header()
    {
        var csv = Path.Combine(_folder, "labels.csv");
        File.WriteAllText(csv, "Image,Results\r\ntest_000,Paul\r\ntest_001,Emily\r\n\r\n");

        Assert.Equal(new Dictionary<string, string> { ["test_000"] = "Paul", ["test_001"] = "Emily" }, LoadRun.ReadLabels(csv));
    }

    [Fact]
    public async Task A_folder_without_labelled_pictures_is_refused()
    {
        using var http = new HttpClient();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            LoadRun.RunAsync(new LoadSettings(new Uri("http://127.0.0.1:1/"), _folder, new Dictionary<string, string> { ["x"] = "y" }, 1, 1, 0), http, CancellationToken.None));
        Assert.Contains("No picture", error.Message, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        Directory.Delete(_folder, recursive: true);
    }

    private Dictionary<string, string> Pictures(params (string Stem, string Name)[] entries)
    {
        foreach (var (stem, _) in entries)
        {
            File.WriteAllBytes(Path.Combine(_folder, stem + ".jpg"), [0xFF, 0xD8, 0xFF, 0xE0]);
        }
        return entries.ToDictionary(e => e.Stem, e => e.Name);
    }

    private async Task<Uri> Serve(RequestDelegate handler)
    {
        _server = await LocalHttpServer.StartAsync(app => app.MapPost("/", handler), CancellationToken.None);
        return _server.Url;
    }
}
