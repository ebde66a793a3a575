using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

// Loads each console view in a fresh browser context (nothing cached) and once more in the same context (cached), and
// reports the time from asking for the page until the view's content is on screen, and the bytes transferred.
// Usage: ConsoleBench [--url http://127.0.0.1:8000/] [--runs 10] [--report bench/Console/REPORT.md]
var url = new Uri(Argument("--url") ?? "http://127.0.0.1:8000/");
var runs = int.Parse(Argument("--runs") ?? "10", CultureInfo.InvariantCulture);
var report = Argument("--report");
var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
    ?? throw new InvalidOperationException("No Chromium: install Debian's chromium package.");

// Each view, and what shows that its content (not only its frame) is on screen.
(string View, string Shown)[] views =
[
    ("recognise", "#recognise-files"),
    ("people", "#people h3, #people p"),
    ("videos", "#video-file"),
    ("system", "#system table"),
];

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true });
var results = views.ToDictionary(v => v.View, _ => (Cold: new List<double>(), Warm: new List<double>(), Bytes: new List<double>()));
for (var run = 0; run < runs; run++)
{
    foreach (var (view, shown) in views)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        foreach (var cold in new[] { true, false })
        {
            var started = Stopwatch.GetTimestamp();
            await page.GotoAsync(new Uri(url, "/?" + run + (cold ? "c" : "w") + "#" + view).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
            await page.Locator(shown).First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
            var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            (cold ? results[view].Cold : results[view].Warm).Add(milliseconds);
            if (cold)
            {
                results[view].Bytes.Add(await page.EvaluateAsync<double>(
                    "performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).reduce((sum, e) => sum + (e.transferSize || 0), 0)"));
            }
        }
    }
}

var lines = new List<string>
{
    "| view | first view, nothing cached: median (min-max) | again, cached: median (min-max) | bytes transferred (first view) |",
    "|---|---|---|---|",
};
foreach (var (view, _) in views)
{
    var (cold, warm, bytes) = results[view];
    lines.Add(string.Create(CultureInfo.InvariantCulture, $"| {view} | {Median(cold):F0} ms ({cold.Min():F0}-{cold.Max():F0}) | {Median(warm):F0} ms ({warm.Min():F0}-{warm.Max():F0}) | {Median(bytes) / 1024:F1} KB |"));
}
Console.WriteLine(string.Join('\n', lines));
if (report is not null)
{
    var template = File.ReadAllText(report);
    const string begin = "<!-- results -->", end = "<!-- /results -->";
    var from = template.IndexOf(begin, StringComparison.Ordinal) + begin.Length;
    var to = template.IndexOf(end, StringComparison.Ordinal);
    File.WriteAllText(report, template[..from] + "\n" + string.Join('\n', lines) + "\n" + template[to..]);
}
return 0;

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

string? Argument(string name) => Array.IndexOf(args, name) is >= 0 and var i && i + 1 < args.Length ? args[i + 1] : null;
