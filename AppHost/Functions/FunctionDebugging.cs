using System.Net.Http.Json;
using System.Text.Json.Serialization;
using FaceRecognition.AppHost.Cloud;
using FaceRecognition.Cloud.Topology;

namespace FaceRecognition.AppHost.Functions;

/// <summary>
/// <c>Lambda:Debug=&lt;function&gt;</c>: that function runs as a project resource of the AppHost (so an IDE's F5 debugs
/// it, with breakpoints and hot reload) instead of in environments the emulator starts. The emulator serves the
/// function's Runtime API for it on a port of its own (its attach endpoint) and sends it every invocation; the project
/// gets the variables an environment would (AWS_LAMBDA_RUNTIME_API, the function's name and settings, credentials).
/// Emulator backend only. Stepping through code stops the clock for nobody: an invocation still ends at the function's
/// timeout (raise it with <c>VideoSplit:TimeoutSeconds</c> or <c>FaceRecognition:TimeoutSeconds</c>).
/// </summary>
internal static class FunctionDebugging
{
    public const string Setting = "Lambda:Debug";

    public static void AddDebuggedFunction(this IDistributedApplicationBuilder builder, CloudResource cloud)
    {
        if (builder.Configuration[Setting] is not { Length: > 0 } function) return;
        if (cloud.Backend != CloudBackend.Emulator)
        {
            throw new DistributedApplicationException($"{Setting} attaches a function to the emulator's Lambda; use Cloud:Backend=Emulator.");
        }
        IResourceBuilder<ProjectResource> project = function switch
        {
            TopologyNames.VideoSplitFunction => builder.AddProject<Projects.VideoSplit>(function + "-debug"),
            TopologyNames.FaceRecognitionFunction => builder.AddProject<Projects.FaceRecognition>(function + "-debug"),
            _ => throw new DistributedApplicationException($"{Setting} is '{function}'; use {string.Join(" or ", FunctionResources.Names)}."),
        };
        project.WaitForCompletion(cloud.Provisioning)
            .WithEnvironment(async context =>
            {
                using var emulator = await cloud.AdminClientAsync(context.CancellationToken);
                using var response = await emulator.PostAsJsonAsync($"_emulator/lambda/functions/{function}/attach", new AttachRequest(0), context.CancellationToken);
                response.EnsureSuccessStatusCode();
                var attached = await response.Content.ReadFromJsonAsync<AttachResponse>(context.CancellationToken)
                    ?? throw new InvalidOperationException("The emulator answered no attachment.");
                // Aspire's own telemetry settings stay: the dashboard shows the project's traces and logs under its name.
                foreach (var (name, value) in attached.Variables.Where(v => !v.Key.StartsWith("OTEL_", StringComparison.Ordinal)))
                {
                    context.EnvironmentVariables[name] = value;
                }
            });
    }

    private sealed record AttachRequest([property: JsonPropertyName("port")] int Port);

    private sealed record AttachResponse(
        [property: JsonPropertyName("runtimeApi")] string RuntimeApi,
        [property: JsonPropertyName("variables")] Dictionary<string, string> Variables);
}
