using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using FaceRecognition.Tests.Support;
using Microsoft.Playwright;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>The console in a real browser: each view does what a person would try, shows errors as text, logs no
/// error, and passes an automated accessibility check (no serious or critical finding).</summary>
public sealed class ConsoleTests(ConsoleBrowser console) : IClassFixture<ConsoleBrowser>, IDisposable
{
    private static readonly TimeSpan s_answer = TimeSpan.FromMinutes(2);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly SyntheticVideos _videos = new();

    [Fact]
    public async Task Recognise_draws_each_face_with_its_name_and_a_text_file_shows_the_error()
    {
        var (page, errors) = await console.OpenAsync("#recognise");
        var photo = TestFiles.FaceApiDemo("sample1.jpg");
        using (var run = new VideoRun(console.Run))
        {
            await run.Enroll("Ann", VideoRun.MainFace(photo));
        }
        var text = Path.Combine(_videos.Folder, "letter.jpg");
        await File.WriteAllTextAsync(text, "Dear console, this is not a picture.", _ct);

        // The keyboard reaches everything in order: the views, the key, the options, the file input.
        var reached = new List<string>();
        for (var i = 0; i < 20 && !reached.Contains("recognise-files"); i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateAsync<string>("document.activeElement.id || document.activeElement.textContent.trim()"));
        }
        Assert.Equal(["Skip to content", "Recognise", "People", "Videos", "System", "API reference", "api-key", "Sign in", "show-landmarks", "recognise-files"], reached);
        await page.Keyboard.PressAsync("Shift+Tab");
        await page.Keyboard.PressAsync("Space");
        Assert.True(await page.Locator("#show-landmarks").IsCheckedAsync(), "Space on the focused checkbox did not tick it");
        await page.Locator("#recognise-files").SetInputFilesAsync(photo);
        var named = page.Locator("#recognitions svg g.face[data-name='Ann'][data-answer='true']");
        await Assertions.Expect(named).ToHaveCountAsync(1, new() { Timeout = (float)s_answer.TotalMilliseconds });
        await Assertions.Expect(page.Locator("#recognitions .answer").First).ToContainTextAsync("Answer: Ann");
        Assert.Equal(3, await page.Locator("#recognitions svg g.face").CountAsync());
        Assert.Equal(68, await named.Locator("circle").CountAsync());
        await ConsoleBrowser.ScreenshotAsync(page, "recognise");

        await page.Locator("#recognise-files").SetInputFilesAsync(text);
        var alert = page.Locator("#recognitions [role='alert']");
        await Assertions.Expect(alert).ToContainTextAsync("not a picture by its content", new() { Timeout = (float)s_answer.TotalMilliseconds });

        await AssertAccessible(page);
        // The browser logs the refused upload's 415 itself; the page must log nothing else.
        var unexpected = errors.Where(e => !e.Contains("status of 415", StringComparison.Ordinal)).ToArray();
        Assert.True(unexpected.Length == 0, string.Join("\n", unexpected));

        var (phone, phoneErrors) = await console.OpenAsync("#recognise", width: 390, height: 844);
        await phone.Locator("#recognise-files").SetInputFilesAsync(photo);
        await Assertions.Expect(phone.Locator("#recognitions svg g.face[data-name='Ann']")).ToHaveCountAsync(1, new() { Timeout = (float)s_answer.TotalMilliseconds });
        Assert.True(await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways on a phone-sized screen");
        await ConsoleBrowser.ScreenshotAsync(phone, "recognise-phone");
        Assert.Empty(phoneErrors);
    }

    [Fact]
    public async Task People_enrols_two_photos_shows_two_faces_and_deletes_one()
    {
        var (page, errors) = await console.OpenAsync("#people");
        var group = await File.ReadAllBytesAsync(TestFiles.FaceApiDemo("sample1.jpg"), _ct);
        var (tight, wide) = DemoFaces.Crops(group, fromLeft: 1);
        var first = Path.Combine(_videos.Folder, "bea-1.png");
        var second = Path.Combine(_videos.Folder, "bea-2.png");
        await File.WriteAllBytesAsync(first, tight, _ct);
        await File.WriteAllBytesAsync(second, wide, _ct);

        await page.Locator("#api-key").FillAsync(AppHostRun.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#sign-in-status")).ToHaveTextAsync("Signed in");
        await page.Locator("#enrol-name").FillAsync("Bea");
        await page.Locator("#enrol-files").SetInputFilesAsync([first, second]);
        await Assertions.Expect(page.Locator("#enrol-preview .good")).ToHaveCountAsync(2, new() { Timeout = (float)s_answer.TotalMilliseconds });
        await Assertions.Expect(page.Locator("#enrol-preview .good").First).ToHaveTextAsync("1 face found");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enrol", Exact = true }).ClickAsync();
        var faces = page.Locator("section.person[data-name='Bea'] .thumbs li");
        await Assertions.Expect(faces).ToHaveCountAsync(2, new() { Timeout = (float)s_answer.TotalMilliseconds });
        await Assertions.Expect(page.Locator("#people-status")).ToContainTextAsync("Enrolled 2 face(s) of Bea");
        Assert.True(await faces.First.Locator("img").EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "the thumbnail did not load");
        await ConsoleBrowser.ScreenshotAsync(page, "people");
        await AssertAccessible(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete face bea-1.png of Bea" }).ClickAsync();
        await Assertions.Expect(faces).ToHaveCountAsync(1, new() { Timeout = (float)s_answer.TotalMilliseconds });
        await Assertions.Expect(faces.First).ToContainTextAsync("bea-2.png");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Videos_show_an_upload_becoming_recognised()
    {
        var (page, errors) = await console.OpenAsync("#videos");
        var photo = TestFiles.FaceApiDemo("sample1.jpg");
        using (var run = new VideoRun(console.Run))
        {
            await run.Enroll("Ann", VideoRun.MainFace(photo));
        }
        var video = _videos.Still("console-ann.mp4", photo, 2);

        await page.Locator("#video-file").SetInputFilesAsync(video);
        var status = page.Locator("#videos .video-status");
        await Assertions.Expect(status).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(uploaded|frames extracted|recognised)"), new() { Timeout = (float)s_answer.TotalMilliseconds });
        await Assertions.Expect(status).ToContainTextAsync("recognised: Ann", new() { Timeout = (float)VideoRun.AnswerTimeout.TotalMilliseconds });
        await ConsoleBrowser.ScreenshotAsync(page, "videos");
        await AssertAccessible(page);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task System_shows_the_instances_the_queues_and_the_last_requests()
    {
        using (var http = new HttpClient { BaseAddress = console.Run.WebTierUrl, Timeout = s_answer })
        {
            var photo = await File.ReadAllBytesAsync(TestFiles.FaceApiDemo("sample1.jpg"), _ct);
            using var answered = await http.PostAsync(new Uri("/api/recognitions", UriKind.Relative), TestFiles.Form("file", photo, "sample1.jpg"), _ct);
            Assert.True(answered.IsSuccessStatusCode);
        }
        var (page, errors) = await console.OpenAsync("#system");

        await Assertions.Expect(page.Locator("#system caption").First).ToContainTextAsync("App-tier instances");
        await Assertions.Expect(page.Locator("#system")).ToContainTextAsync("facerec-req-queue-dlq");
        await Assertions.Expect(page.Locator("#system")).ToContainTextAsync("sample1/");
        await Assertions.Expect(page.Locator("#system")).ToContainTextAsync("app-tier-instance-1");
        await ConsoleBrowser.ScreenshotAsync(page, "system");
        await AssertAccessible(page);
        Assert.Empty(errors);
    }

    private static async Task AssertAccessible(IPage page)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target))}").ToArray();
        Assert.True(serious.Length == 0, string.Join("\n", serious));
    }

    public void Dispose() => _videos.Dispose();
}
