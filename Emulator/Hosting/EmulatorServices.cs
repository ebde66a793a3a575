using System.Net;
using FaceRecognition.Emulator.Auth;
using FaceRecognition.Emulator.CloudWatch;
using FaceRecognition.Emulator.Ec2;
using FaceRecognition.Emulator.Iam;
using FaceRecognition.Emulator.Lambda;
using FaceRecognition.Emulator.Lambda.Execution;
using FaceRecognition.Emulator.S3;
using FaceRecognition.Emulator.Sqs;
using FaceRecognition.Emulator.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FaceRecognition.Emulator.Hosting;

public static class EmulatorServices
{
    /// <summary>Registers the emulator: options from the <c>Emulator</c> section (validated at start), storage, handlers,
    /// and Kestrel bound to the configured address with limits suited to S3 (bodies are bounded by the emulator itself).</summary>
    public static WebApplicationBuilder AddEmulator(this WebApplicationBuilder builder, Action<EmulatorOptions>? configure = null)
    {
        var options = builder.Services.AddOptions<EmulatorOptions>()
            .Bind(builder.Configuration.GetSection(EmulatorOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (configure is not null) options.Configure(configure);

        // ASP.NET Core logs two Information records per request; for a server answering thousands of calls a second
        // that is most of its log and a measurable share of its time (bench/Emulator). Its warnings still show.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<EmulatorOptions>>().Value);
        services.AddSingleton(sp => new CredentialStore(AccessControl.AllKeys(sp.GetRequiredService<EmulatorOptions>())));
        services.AddSingleton<AccessControl>();
        services.AddSingleton<SigV4Authenticator>();
        services.AddSingleton<EmulatorStorage>();
        services.AddSingleton(sp => sp.GetRequiredService<EmulatorStorage>().Store);
        services.AddSingleton(sp => sp.GetRequiredService<EmulatorStorage>().S3);
        services.AddSingleton(sp => sp.GetRequiredService<EmulatorStorage>().Sqs);
        services.AddSingleton(sp => sp.GetRequiredService<EmulatorStorage>().Lambda);
        services.AddSingleton<Ec2Store>();
        services.AddSingleton<EventPublisher>();
        services.AddSingleton<BucketHandler>();
        services.AddSingleton<ObjectHandler>();
        services.AddSingleton<MultipartHandler>();
        services.AddSingleton<NotificationHandler>();
        services.AddSingleton<S3Endpoint>();
        services.AddSingleton<QueueHandler>();
        services.AddSingleton<MessageHandler>();
        services.AddSingleton<SqsApi>();
        services.AddSingleton<SqsEndpoint>();
        services.AddSingleton<InstanceHandler>();
        services.AddSingleton<Ec2Endpoint>();
        AddLambda(services);
        services.AddSingleton<MetricStore>();
        services.AddSingleton<MetricHandler>();
        services.AddSingleton<CloudWatchEndpoint>();
        services.AddSingleton<EmulatorPipeline>();
        services.AddHostedService<EmulatorMaintenance>();

        // The handlers never block for long (a commit is a few hundred microseconds), so they may run on the socket
        // thread: one thread hop less per request.
        builder.WebHost.UseSockets(sockets =>
        {
            sockets.UnsafePreferInlineScheduling = true;
            // A flush completes only when everything before it is on the socket: SendFileWriter relies on it to send
            // a response's headers before its file. (The threshold is this value and the resume point half of it.)
            sockets.MaxWriteBufferSize = 2;
        });
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var settings = kestrel.ApplicationServices.GetRequiredService<IOptions<EmulatorOptions>>().Value;
            if (settings.Host == "localhost" && settings.Port != 0)
            {
                kestrel.ListenLocalhost(settings.Port, SendFileWriter.Install); // both ::1 and 127.0.0.1, since clients may resolve either
            }
            else
            {
                kestrel.Listen(settings.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(settings.Host), settings.Port, SendFileWriter.Install);
            }
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
            kestrel.Limits.MaxRequestLineSize = 16 * 1024;
            kestrel.Limits.MinRequestBodyDataRate = null;
        });
        return builder;
    }

    private static void AddLambda(IServiceCollection services)
    {
        services.AddSingleton<LambdaNames>();
        services.AddSingleton<CodeLocation>();
        services.AddSingleton<CodePackages>();
        services.AddSingleton(sp => new EnvironmentSettings(sp.GetRequiredService<EmulatorOptions>(), sp.GetRequiredService<AccessControl>(), () => ServiceUrl(sp)));
        services.AddSingleton<FunctionLogs>();
        services.AddSingleton<LambdaMetrics>();
        services.AddSingleton(sp => new ConcurrencyGate(sp.GetRequiredService<EmulatorOptions>().Lambda.ConcurrentExecutions));
        services.AddSingleton<LambdaExecutor>();
        services.AddHostedService(sp => sp.GetRequiredService<LambdaExecutor>());
        services.AddSingleton<SqsEventSources>();
        services.AddHostedService(sp => sp.GetRequiredService<SqsEventSources>());
        services.AddHostedService<AsyncEvents>();
        services.AddSingleton<FunctionHandler>();
        services.AddSingleton<PermissionHandler>();
        services.AddSingleton<InvocationHandler>();
        services.AddSingleton<EventSourceMappingHandler>();
        services.AddSingleton<LambdaEndpoint>();
        services.AddSingleton<LambdaAdmin>();
    }

    /// <summary>The emulator's own address, as functions' environments are told it (<c>AWS_ENDPOINT_URL</c>).</summary>
    private static string ServiceUrl(IServiceProvider services)
    {
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => a.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)
                .Replace("localhost", "127.0.0.1", StringComparison.Ordinal))
            .ToList();
        return addresses.FirstOrDefault(a => a.Contains("127.0.0.1", StringComparison.Ordinal)) ?? addresses.First();
    }

    /// <summary>Every path belongs to the emulator (S3 keys can be anything), so it is one terminal handler.</summary>
    public static WebApplication UseEmulator(this WebApplication app)
    {
        var pipeline = app.Services.GetRequiredService<EmulatorPipeline>();
        // Open the data directory before the first request, so a bad one fails the start rather than a call.
        app.Services.GetRequiredService<EmulatorStorage>();
        app.Run(pipeline.InvokeAsync);
        return app;
    }
}
