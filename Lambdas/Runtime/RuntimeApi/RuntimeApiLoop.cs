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
        Task answer;
        if (AsSqsBatch(invocation.EventJson) is { } batch)
        {
            var failures = await batches.HandleAsync(batch, invocation.RequestId, invocation.Deadline, stoppingToken);
            answer = runtimeApi.RespondAsync(invocation.RequestId,
                JsonSerializer.Serialize(new BatchResponse([.. failures.Select(id => new BatchItemFailure(id))]), RuntimeApiJson.Default.BatchResponse), stoppingToken);
        }
        else
        {
            var timeout = invocation.Deadline - time.GetUtcNow();
            var result = await invoker.InvokeAsync(invocation.EventJson, invocation.RequestId, timeout > TimeSpan.Zero ? timeout : TimeSpan.FromSeconds(1), stoppingToken);
            answer = result.Result is InvocationResult.Success or InvocationResult.Ignored
                ? runtimeApi.RespondAsync(invocation.RequestId, "{}", stoppingToken)
                : runtimeApi.ReportErrorAsync(invocation.RequestId, new RuntimeError(result.Cause ?? "Failed.", result.ErrorType ?? "Error", []), stoppingToken);
        }
        try
        {
            await answer;
        }
        catch (HttpRequestException e) when (e.StatusCode is { } status && (int)status is >= 400 and < 500)
        {
            // Refused (the invocation is no longer this environment's, or the answer is too large): Lambda has settled
            // it; the environment carries on with the next one.
            LogAnswerRefused(invocation.RequestId, (int)status, e.Message);
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

    [LoggerMessage(LogLevel.Warning, "The Runtime API refused the answer to {RequestId} ({Status}): {Reason}")]
    private partial void LogAnswerRefused(string requestId, int status, string reason);

    [LoggerMessage(LogLevel.Information, "The Runtime API closed ({Reason}); stopping")]
    private partial void LogRuntimeApiGone(string reason);
}
