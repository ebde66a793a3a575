using FaceRecognition.Emulator.Auth;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FaceRecognition.Emulator.Hosting;

/// <summary>An emulator running in this process, for tests and tools: start it on a free port, point SDK clients at
/// <see cref="ServiceUrl"/>, dispose it to stop (draining the commit log).</summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmulatorHost(WebApplication app, Uri serviceUrl, EmulatorOptions options)
    {
        _app = app;
        ServiceUrl = serviceUrl;
        Options = options;
    }

    public Uri ServiceUrl { get; }

    public EmulatorOptions Options { get; }

    public AccessKeyPair Credentials => Options.ParsedCredentials()[0];

    public IServiceProvider Services => _app.Services;

    /// <param name="configure">Adjusts the options; <see cref="EmulatorOptions.Port"/> defaults to 0 (a free port) here.</param>
    /// <param name="clock">The emulator's clock (tests move it forward to expire messages); the system clock by default.</param>
    public static async Task<EmulatorHost> StartAsync(Action<EmulatorOptions> configure, ILoggerProvider? logger = null,
        TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logger is not null) builder.Logging.AddProvider(logger);
        if (clock is not null) builder.Services.AddSingleton(clock);
        builder.AddEmulator(options =>
        {
            options.Port = 0;
            configure(options);
        });
        var app = builder.Build();
        app.UseEmulator();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var options = app.Services.GetRequiredService<EmulatorOptions>();
        return new EmulatorHost(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), options);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
