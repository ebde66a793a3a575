using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FaceRecognition.ServiceDefaults;

/// <summary>
/// Readiness that reaches the cloud: a service is healthy (<c>/health</c>) only while its queue answers, so the
/// dashboard shows it unhealthy when the cloud is gone and healthy again when it returns. Liveness (<c>/alive</c>)
/// stays the cheap in-process check.
/// </summary>
public static class CloudReadiness
{
    public const string CheckName = "cloud";

    /// <summary>Adds the check: a GetQueueUrl of the queue <paramref name="queueName"/> names, within 5 s.</summary>
    public static IHealthChecksBuilder AddQueueReachable(this IHealthChecksBuilder checks, Func<IServiceProvider, string> queueName) =>
        checks.Add(new HealthCheckRegistration(CheckName,
            sp => new QueueReachableCheck(sp.GetRequiredService<IAmazonSQS>(), queueName(sp)), HealthStatus.Unhealthy, ["ready"], TimeSpan.FromSeconds(5)));

    private sealed class QueueReachableCheck(IAmazonSQS sqs, string queue) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await sqs.GetQueueUrlAsync(queue, cancellationToken);
                return HealthCheckResult.Healthy($"{queue} answers");
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"{queue} does not answer: {e.Message}", e);
            }
        }
    }
}
