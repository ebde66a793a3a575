using Microsoft.Playwright;

namespace FaceRecognition.EndToEnd.Tests;

/// <summary>
/// The system as ./run.sh starts it, and a real Chromium (Debian's <c>chromium</c>, launched by path: Playwright's own
/// browser download is not reachable here) for the console's tests. Skips, saying why, where Chromium is absent.
/// </summary>
public sealed class ConsoleBrowser : IAsyncLifetime
{
    public static readonly string[] ChromiumPaths = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    private IPlaywright? _playwright;

    public AppHostRun Run { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (ChromiumPaths.FirstOrDefault(File.Exists) is not { } chromium)
        {
            return;
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true });
        var data = Directory.CreateTempSubdirectory("facerec-e2e-").FullName;
        Run = await AppHostRun.StartAsync(data, TestContext.Current.CancellationToken);
        await Run.WebTierHealthy(TestContext.Current.CancellationToken);
    }

    /// <summary>A new page on the console, failing the test on any error the page logs or throws.</summary>
    public async Task<(IPage Page, List<string> Errors)> OpenAsync(string fragment, int width = 1280, int height = 900)
    {
        if (_playwright is null)
        {
            Assert.Skip($"No Chromium at {string.Join(" or ", ChromiumPaths)}: install Debian's chromium package (./test.sh does, as root).");
        }
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error") errors.Add(message.Text);
        };
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(new Uri(Run.WebTierUrl, "/" + fragment).ToString());
        return (page, errors);
    }

    /// <summary>Saves a screenshot under FACEREC_SCREENSHOTS (docs/console when refreshing the committed ones), else a temporary folder.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("FACEREC_SCREENSHOTS") is { Length: > 0 } f ? f : Path.Combine(Path.GetTempPath(), "facerec-console-screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        if (_playwright is null) return;
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await Run.DisposeAsync();
    }
}
