using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaceRecognition.Lambdas.Runtime.RuntimeApi;

/// <summary>
/// The custom runtime's loop on AWS Lambda: next event -> handler -> response or error, until the sandbox ends. An
/// event is either an S3 notification (the bucket triggers the function) or an SQS batch of them (an event source
/// mapping on the notification queue), answered with the records that failed.
/// </summary>
public sealed partial class RuntimeApiLoop(RuntimeApiClient runtimeApi, FunctionInvoker invoker, TimeProvider time, IHostApplicationLifetime lifetime,
    ILogger<RuntimeApiLoop> logger) : BackgroundService
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
            // The Runtime API is gone: the sandbox is ending.
            LogRuntimeApiGone(e.Message);
            lifetime.StopApplication();
        }
    }

    private async Task HandleAsync(RuntimeInvocation invocation, CancellationToken stoppingToken)
    {
        var timeout = invocation.Deadline - time.GetUtcNow();
        if (timeout <= TimeSpan.Zero)
        {
            timeout = TimeSpan.FromSeconds(1);
        }
        if (AsSqsBatch(invocation.EventJson) is { } batch)
        {
            var failures = new List<BatchItemFailure>();
            foreach (var record in batch.Records)
            {
                var outcome = await invoker.InvokeAsync(record.Body, $"{invocation.RequestId}/{record.MessageId}", timeout, stoppingToken);
                if (outcome.Result is InvocationResult.Rejected or InvocationResult.Failed or InvocationResult.Stopped)
                {
                    failures.Add(new BatchItemFailure(record.MessageId));
                }
            }
            await runtimeApi.RespondAsync(invocation.RequestId,
                JsonSerializer.Serialize(new BatchResponse(failures), RuntimeApiJson.Default.BatchResponse), stoppingToken);
            return;
        }

        var result = await invoker.InvokeAsync(invocation.EventJson, invocation.RequestId, timeout, stoppingToken);
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
