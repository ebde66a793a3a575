using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FaceRecognition.ServiceDefaults;

/// <summary>
/// What every process of the system shares: OpenTelemetry (traces, metrics, logs over OTLP when the AppHost gives an
/// endpoint), health checks, and for HTTP services service discovery and resilience.
/// </summary>
public static class Extensions
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";

    /// <summary>The full defaults, for services that call other services over HTTP (the web tier).</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddBasicServiceDefaults();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>Telemetry and health only, for workers, the function host and the emulator.</summary>
    /// <param name="traceIncomingRequests">False for a server whose every request is a span elsewhere already (the
    /// emulator: its callers' HTTP client spans show each S3 and SQS call), where a server span per call only costs.</param>
    public static TBuilder AddBasicServiceDefaults<TBuilder>(this TBuilder builder, bool traceIncomingRequests = true) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry(traceIncomingRequests);
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder, bool traceIncomingRequests = true) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("FaceRecognition.*"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(builder.Environment.ApplicationName)
                    .AddSource("FaceRecognition.*")
                    .AddHttpClientInstrumentation();
                if (traceIncomingRequests)
                {
                    tracing.AddAspNetCoreInstrumentation(options =>
                        options.Filter = context => !context.Request.Path.StartsWithSegments(HealthPath) && !context.Request.Path.StartsWithSegments(AlivePath));
                }
            });

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
        else if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]))
        {
            // Traces only (on EC2 the CloudWatch agent takes OTLP traces for X-Ray; logs go to CloudWatch Logs from the service's output).
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddOtlpExporter());
        }
        return builder;
    }

    /// <summary>Maps <c>/health</c> (every check) and <c>/alive</c> (liveness only), as the AppHost's health checks expect.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthPath);
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") });
        return app;
    }
}
