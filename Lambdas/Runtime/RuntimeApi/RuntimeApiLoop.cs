using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.Lambdas.Runtime.RuntimeApi;

/// <summary>
/// The custom runtime's loop: next event -> handler -> response or error, until the environment ends. An event is
/// either an S3 notification (the bucket invokes the function) or an SQS batch of them (an event source mapping on the
/// notification queue), answered with the records to retry.
/// </summary>
internal sealed partial class RuntimeApiLoop(RuntimeApiClient runtimeApi, FunctionInvoker invoker, QueueEventBatch batches, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<RuntimeApiLoop> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var invocation = await runtimeApi.NextAsync(stoppingToken);
                if (invocation.TraceId is { } traceId)
                {
                    Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", traceId);
                }
                await HandleAsync(invocation, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (HttpRequestException e)
        {
            // The Runtime API is gone: the environment is ending.
            LogRuntimeApiGone(e.Message);
            lifetime.StopApplication();
        }
    }

    private async Task HandleAsync(RuntimeInvocation invocation, CancellationToken stoppingToken)
    {
        if (AsSqsBatch(invocation.EventJson) is { } batch)
        {
            var failures = await batches.HandleAsync(batch, invocation.RequestId, invocation.Deadline, stoppingToken);
            await runtimeApi.RespondAsync(invocation.RequestId,
                JsonSerializer.Serialize(new BatchResponse([.. failures.Select(id => new BatchItemFailure(id))]), RuntimeApiJson.Default.BatchResponse), stoppingToken);
            return;
        }

        var timeout = invocation.Deadline - time.GetUtcNow();
        var result = await invoker.InvokeAsync(invocation.EventJson, invocation.RequestId, timeout > TimeSpan.Zero ? timeout : TimeSpan.FromSeconds(1), stoppingToken);
        if (result.Result is InvocationResult.Success or InvocationResult.Ignored)
        {
            await runtimeApi.RespondAsync(invocation.RequestId, "{}", stoppingToken);
        }
        else
        {
            await runtimeApi.ReportErrorAsync(invocation.RequestId, new RuntimeError(result.Cause ?? "Failed.", result.ErrorType ?? "Error", []), stoppingToken);
        }
    }

    private static SqsEvent? AsSqsBatch(string eventJson)
    {
        try
        {
            var batch = JsonSerializer.Deserialize(eventJson, RuntimeApiJson.Default.SqsEvent);
            return batch?.Records is { Count: > 0 } records && records.All(r => r.EventSource == "aws:sqs" && r.Body is not null && r.MessageId is not null)
                ? batch
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(LogLevel.Information, "The Runtime API closed ({Reason}); stopping")]
    private partial void LogRuntimeApiGone(string reason);
}
