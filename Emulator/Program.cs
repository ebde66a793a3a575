using System.CommandLine;
using FaceRecognition.Emulator.Auth;
using FaceRecognition.Emulator.Hosting;
using FaceRecognition.ServiceDefaults;

// Socket completions run inline on the socket thread (read once, at the first socket): with Kestrel's inline scheduling
// (EmulatorServices) a request costs no thread hop. One socket thread, not one per core (the default with inline
// completions): requests on a second one mostly wait for the first one's group commit and resume on the thread pool.
// Measured in bench/Emulator. A value already in the environment wins (to study these knobs).
foreach (var (name, value) in new[] { ("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1"), ("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT", "1") })
{
    if (Environment.GetEnvironmentVariable(name) is null) Environment.SetEnvironmentVariable(name, value);
}

var port = new Option<int?>("--port") { Description = "TCP port to listen on (default 4566; 0 picks a free one)." };
var host = new Option<string?>("--host") { Description = "Address to bind (default 127.0.0.1; 0.0.0.0 exposes the emulator to the network)." };
var dataDirectory = new Option<string?>("--data-dir") { Description = $"Folder for buckets, objects and queues (default {EmulatorOptions.DefaultDataDirectory})." };
var credentials = new Option<string[]>("--credentials")
{
    Description = "An accepted key pair KEY:SECRET; repeat for more. Without any, a pair is generated and printed.",
    AllowMultipleArgumentsPerToken = false,
};
var region = new Option<string?>("--region") { Description = "Region clients must sign for (default us-east-1)." };
var syncWrites = new Option<bool>("--sync-writes") { Description = "fsync every commit, so acknowledged data also survives a power loss (slower)." };

var root = new RootCommand("FaceRecognition's AWS emulator: S3 (with event notifications) and SQS on one port, persistent, SigV4-verified.")
{
    port, host, dataDirectory, credentials, region, syncWrites,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.AddBasicServiceDefaults(traceIncomingRequests: false);

    // Configuration (Emulator__Port, …, as the AppHost sets it) first, then whatever the command line says.
    var settings = builder.Configuration.GetSection(EmulatorOptions.SectionName).Get<EmulatorOptions>() ?? new EmulatorOptions();
    if (parse.GetValue(port) is { } p) settings.Port = p;
    if (parse.GetValue(host) is { } h) settings.Host = h;
    if (parse.GetValue(dataDirectory) is { } d) settings.DataDirectory = d;
    if (parse.GetValue(region) is { } r) settings.Region = r;
    if (parse.GetValue(syncWrites)) settings.SyncWrites = true;
    var given = parse.GetValue(credentials) ?? [];
    if (given.Length > 0) settings.Credentials = [.. given];
    AccessKeyPair? generated = null;
    if (settings.Credentials.Count == 0)
    {
        generated = AccessKeyPair.Generate();
        settings.Credentials = [$"{generated.AccessKey}:{generated.SecretKey}"];
    }

    builder.AddEmulator(options =>
    {
        options.Port = settings.Port;
        options.Host = settings.Host;
        options.DataDirectory = settings.DataDirectory;
        options.Region = settings.Region;
        options.SyncWrites = settings.SyncWrites;
        options.Credentials = settings.Credentials;
    });
    var app = builder.Build();
    app.UseEmulator();
    await app.StartAsync(cancellationToken);

    var endpoint = string.Join(", ", app.Urls);
    Console.WriteLine($"Emulator (S3, SQS, EC2, Lambda, CloudWatch metrics) listening on {endpoint}, region {settings.Region}, data in {Path.GetFullPath(settings.DataDirectory)}");
    if (generated is not null)
    {
        Console.WriteLine("No --credentials given; generated a pair for this run:");
        Console.WriteLine($"  AWS_ACCESS_KEY_ID={generated.AccessKey}");
        Console.WriteLine($"  AWS_SECRET_ACCESS_KEY={generated.SecretKey}");
    }
    Console.WriteLine($"Health: {app.Urls.First()}{EmulatorPipeline.HealthPath}");
    await app.WaitForShutdownAsync(cancellationToken);
    return 0;
});
return await root.Parse(args).InvokeAsync();
