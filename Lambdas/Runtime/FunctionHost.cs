using FaceRecognition.Cloud;
using FaceRecognition.Cloud.Topology;
using FaceRecognition.Lambdas.Runtime.RuntimeApi;
using FaceRecognition.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.Lambdas.Runtime;

/// <summary>
/// Runs one function: as an AWS Lambda custom runtime when <c>AWS_LAMBDA_RUNTIME_API</c> is set, otherwise locally
/// on the SQS queue that receives its bucket's notifications (with <c>/health</c> and <c>/stats</c> over HTTP).
/// </summary>
public static class FunctionHost
{
    /// <param name="functionName">The function's name (AWS_LAMBDA_FUNCTION_NAME wins on Lambda).</param>
    /// <param name="eventQueue">Its notification queue among the system's names (local mode; Function:Queue overrides).</param>
    /// <param name="configure">Registers the handler's own services.</param>
    public static async Task<int> RunAsync<THandler>(string[] args, string functionName, Func<TopologyNames, string> eventQueue,
        Action<IHostApplicationBuilder> configure) where THandler : class, IS3EventHandler
    {
        var runtimeApi = Environment.GetEnvironmentVariable(RuntimeApiClient.EnvironmentVariable);
        return string.IsNullOrEmpty(runtimeApi)
            ? await RunLocallyAsync<THandler>(args, functionName, eventQueue, configure)
            : await RunOnLambdaAsync<THandler>(args, Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME") ?? functionName, runtimeApi, configure);
    }

    private static async Task<int> RunLocallyAsync<THandler>(string[] args, string functionName, Func<TopologyNames, string> eventQueue,
        Action<IHostApplicationBuilder> configure) where THandler : class, IS3EventHandler
    {
        var builder = WebApplication.CreateBuilder(args);
        AddFunction<THandler>(builder, functionName, configure);
        builder.Services.AddOptions<FunctionOptions>()
            .Configure<TopologyNames>((o, names) => o.Queue = eventQueue(names))
            .Bind(builder.Configuration.GetSection(FunctionOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<SqsEventSource>();
        // Running invocations may finish for this long after a stop; then they are cancelled and their events handed back.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(25));

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGet("/stats", (FunctionInvoker invoker) => TypedResults.Json(invoker.Stats.Snapshot(invoker.FunctionName), StatsJson.Default.StatsSnapshot));
        await app.RunAsync();
        return 0;
    }

    private static async Task<int> RunOnLambdaAsync<THandler>(string[] args, string functionName, string runtimeApi, Action<IHostApplicationBuilder> configure)
        where THandler : class, IS3EventHandler
    {
        var client = new RuntimeApiClient(RuntimeApiClient.CreateHttpClient(runtimeApi));
        IHost host;
        try
        {
            var builder = Host.CreateApplicationBuilder(args);
            AddFunction<THandler>(builder, functionName, configure);
            builder.Services.AddSingleton(client);
            builder.Services.AddHostedService<RuntimeApiLoop>();
            host = builder.Build();
            // Build the handler now: a function that cannot start says so through init/error, as Lambda expects.
            _ = host.Services.GetRequiredService<FunctionInvoker>();
            await host.StartAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await client.ReportInitErrorAsync(new RuntimeError(e.Message, e.GetType().Name, [.. (e.StackTrace ?? "").Split('\n')]), CancellationToken.None);
            return 1;
        }
        await host.WaitForShutdownAsync();
        host.Dispose();
        return 0;
    }

    private static void AddFunction<THandler>(IHostApplicationBuilder builder, string functionName, Action<IHostApplicationBuilder> configure)
        where THandler : class, IS3EventHandler
    {
        builder.AddBasicServiceDefaults();
        builder.AddAwsClients();
        builder.Services.AddCloudNames(builder.Configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        configure(builder);
        builder.Services.AddSingleton<THandler>();
        builder.Services.AddSingleton(sp => new FunctionInvoker(sp.GetRequiredService<THandler>(), functionName,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger(functionName), sp.GetRequiredService<TimeProvider>()));
    }
}
