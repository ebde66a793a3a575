using System.CommandLine;
using System.Text.Json;
using FaceRecognition.LoadGen;

// facerec-loadgen: the original workload generator's job against the web tier's POST / contract.
var url = new Option<Uri>("--url") { Description = "Web tier URL.", DefaultValueFactory = _ => new Uri("http://127.0.0.1:8000/") };
var images = new Option<DirectoryInfo>("--images") { Description = "Folder of pictures (test_000.jpg ...).", Required = true };
var labels = new Option<FileInfo>("--labels") { Description = "Image,Results CSV with the expected names.", Required = true };
var requests = new Option<int>("--requests") { Description = "Requests to send (pictures are cycled).", DefaultValueFactory = _ => 1000 };
var concurrency = new Option<int>("--concurrency") { Description = "Concurrent clients.", DefaultValueFactory = _ => 100 };
var retries = new Option<int>("--retries") { Description = "Retries of a failed request.", DefaultValueFactory = _ => 3 };
var json = new Option<FileInfo?>("--json") { Description = "Also write the summary as JSON to this file." };
var root = new RootCommand("Sends the original image workload to the web tier and counts correct, wrong and failed answers.")
{
    url, images, labels, requests, concurrency, retries, json,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var folder = parse.GetValue(images)!;
    var table = parse.GetValue(labels)!;
    if (!folder.Exists || !table.Exists)
    {
        Console.Error.WriteLine($"facerec-loadgen: {(folder.Exists ? table.FullName : folder.FullName)} does not exist.");
        return 1;
    }
    if (parse.GetValue(requests) < 1 || parse.GetValue(concurrency) < 1 || parse.GetValue(retries) < 0)
    {
        Console.Error.WriteLine("facerec-loadgen: --requests and --concurrency must be at least 1, --retries at least 0.");
        return 1;
    }
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = parse.GetValue(concurrency) }) { Timeout = TimeSpan.FromSeconds(60) };
    var settings = new LoadSettings(parse.GetValue(url)!, folder.FullName, LoadRun.ReadLabels(table.FullName), parse.GetValue(requests), parse.GetValue(concurrency), parse.GetValue(retries));
    var summary = await LoadRun.RunAsync(settings, http, cancellationToken, new ProgressLine(Console.Error));
    Console.Error.WriteLine();
    Console.WriteLine(summary.ToText());
    if (parse.GetValue(json) is { } output)
    {
        await File.WriteAllTextAsync(output.FullName, JsonSerializer.Serialize(summary, LoadGenJson.Default.LoadSummary), cancellationToken);
    }
    return summary.Errors == 0 && summary.Wrong == 0 ? 0 : 1;
});
return await root.Parse(args).InvokeAsync();
