using System.Text.Json;
using FaceRecognition.Emulator.Lambda.Execution;
using FaceRecognition.Emulator.Storage;

namespace FaceRecognition.Emulator.Lambda;

/// <summary>Invoke: <c>RequestResponse</c> (run now and answer with the function's response, or its error with
/// <c>X-Amz-Function-Error</c>; throttled with 429 when the function is at its concurrency), <c>Event</c> (queued for an
/// asynchronous invocation, 202), <c>DryRun</c> (checks only, 204).</summary>
internal sealed class InvocationHandler(EmulatorStore store, LambdaStore lambda, LambdaNames names, LambdaExecutor executor, TimeProvider clock,
    IHostApplicationLifetime lifetime)
{
    /// <summary>Lambda's payload limits: 6 MB for a synchronous invocation, 1 MB for an asynchronous one.</summary>
    public const int MaxSyncPayloadBytes = 6_291_456;
    public const int MaxAsyncPayloadBytes = 1_048_576;

    public async Task Invoke(LambdaCall call, string parameter)
    {
        var name = names.FunctionName(parameter);
        if (call.Target.Get("Qualifier") is { } qualifier && qualifier != "$LATEST") throw LambdaErrors.NotSupported($"Qualifier '{qualifier}' (versions and aliases)");
        var type = call.Header("X-Amz-Invocation-Type") ?? "RequestResponse";
        if (type is not ("RequestResponse" or "Event" or "DryRun"))
        {
            throw LambdaErrors.Validation("invocationType", type, "Member must satisfy enum value set: [Event, RequestResponse, DryRun]");
        }
        var logType = call.Header("X-Amz-Log-Type") ?? "None";
        if (logType is not ("None" or "Tail")) throw LambdaErrors.Validation("logType", logType, "Member must satisfy enum value set: [Tail, None]");
        var limit = type == "Event" ? MaxAsyncPayloadBytes : MaxSyncPayloadBytes;
        if (call.Body.Length > limit) throw LambdaErrors.PayloadTooLarge(limit);
        if (call.Body.Length > 0) CheckJson(call.Body);
        store.Read(() => lambda.GetFunction(name, names.FunctionArn(name)));

        var requestId = Guid.NewGuid().ToString();
        call.Http.Response.Headers["x-amzn-RequestId"] = requestId;
        switch (type)
        {
            case "DryRun":
                call.NoContent();
                return;
            case "Event":
                var payload = call.Body.Length == 0 ? "{}" : System.Text.Encoding.UTF8.GetString(call.Body);
                await store.WriteAsync(changes => lambda.EnqueueEvent(changes, name, requestId, payload, clock.GetUtcNow().ToUnixTimeMilliseconds()));
                call.Http.Response.StatusCode = StatusCodes.Status202Accepted;
                return;
        }

        var invocation = new Invocation(requestId, call.Body.Length == 0 ? "{}"u8.ToArray() : call.Body, "Invoke");
        // A synchronous invocation runs to its end even if the caller stops waiting, as on Lambda.
        var result = await executor.InvokeAsync(name, invocation, queue: false, lifetime.ApplicationStopping);
        var response = call.Http.Response;
        response.Headers["X-Amz-Executed-Version"] = "$LATEST";
        if (result.Failed) response.Headers["X-Amz-Function-Error"] = "Unhandled";
        if (logType == "Tail") response.Headers["X-Amz-Log-Result"] = invocation.LogTail();
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = result.Payload.Length;
        await response.Body.WriteAsync(result.Payload, call.Aborted);
    }

    private static void CheckJson(byte[] payload)
    {
        try
        {
            using var _ = JsonDocument.Parse(payload);
        }
        catch (JsonException)
        {
            throw LambdaErrors.InvalidJson("Could not parse payload into json: the payload is not valid JSON.");
        }
    }
}
