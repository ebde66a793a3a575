using FaceRecognition.Cloud;
using FaceRecognition.Lambdas.Runtime.RuntimeApi;
using FaceRecognition.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.Lambdas.Runtime;

/// <summary>
/// Runs one function as an AWS Lambda custom runtime: the process is an execution environment, started by Lambda (on
/// AWS or a local cloud) with <c>AWS_LAMBDA_RUNTIME_API</c>, <c>AWS_LAMBDA_FUNCTION_NAME</c> and the
/// function's variables; it asks the Runtime API for invocations until the environment ends.
/// </summary>
public static class FunctionHost
{
    /// <param name="functionName">The function's name (AWS_LAMBDA_FUNCTION_NAME wins).</param>
    /// <param name="configure">Registers the handler's own services.</param>
    public static async Task<int> RunAsync<THandler>(string[] args, string functionName, Action<IHostApplicationBuilder> configure)
        where THandler : class, IS3EventHandler
    {
        var runtimeApi = Environment.GetEnvironmentVariable(RuntimeApiClient.EnvironmentVariable);
        if (string.IsNullOrEmpty(runtimeApi))
        {
            await Console.Error.WriteLineAsync(
                $"{functionName} is a Lambda function: it runs in an execution environment, where {RuntimeApiClient.EnvironmentVariable} names the Lambda Runtime API. " +
                "Start the system with ./run.sh (the emulator's Lambda runs it), deploy its package to AWS, or see README.md for debugging it in an IDE.");
            return 2;
        }
        var client = new RuntimeApiClient(RuntimeApiClient.CreateHttpClient(runtimeApi));
        IHost host;
        try
        {
            var builder = Host.CreateApplicationBuilder(args);
            builder.AddBasicServiceDefaults();
            builder.AddAwsClients();
            builder.Services.AddCloudNames(builder.Configuration);
            builder.Services.AddSingleton(TimeProvider.System);
            configure(builder);
            builder.Services.AddSingleton<THandler>();
            var name = Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME") ?? functionName;
            builder.Services.AddSingleton(sp => new FunctionInvoker(sp.GetRequiredService<THandler>(), name,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(name), sp.GetRequiredService<TimeProvider>()));
            builder.Services.AddSingleton<FaceRecognition.Cloud.Messaging.DeadLetterRule>();
            builder.Services.AddSingleton<QueueEventBatch>();
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
}
