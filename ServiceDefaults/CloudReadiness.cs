using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FaceRecognition.ServiceDefaults;

/// <summary>The queues and buckets a service cannot work without; its readiness reaches each of them.</summary>
public sealed record CloudDependencies(IReadOnlyList<string> Queues, IReadOnlyList<string> Buckets);

/// <summary>
/// Readiness that reaches the cloud: a service is healthy (<c>/health</c>) only while its queues and buckets answer,
/// so the dashboard shows it unhealthy when the cloud (or one of its resources) is gone and healthy again when it
/// returns. Liveness (<c>/alive</c>) stays the cheap in-process check.
/// </summary>
public static class CloudReadiness
{
    public const string CheckName = "cloud";

    /// <summary>
    /// Adds the check: a GetQueueUrl of each queue and a HeadBucket of each bucket (which needs s3:ListBucket on it),
    /// all at once, within 5 s; unhealthy names every one that did not answer.
    /// </summary>
    public static IHealthChecksBuilder AddCloudReachable(this IHealthChecksBuilder checks, Func<IServiceProvider, CloudDependencies> dependencies) =>
        checks.Add(new HealthCheckRegistration(CheckName,
            sp => new CloudReachableCheck(sp.GetRequiredService<IAmazonSQS>(), sp.GetRequiredService<IAmazonS3>(), dependencies(sp)),
            HealthStatus.Unhealthy, ["ready"], TimeSpan.FromSeconds(5)));

    private sealed class CloudReachableCheck(IAmazonSQS sqs, IAmazonS3 s3, CloudDependencies dependencies) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var probes = dependencies.Queues.Select(queue => Probe($"queue {queue}", () => sqs.GetQueueUrlAsync(queue, cancellationToken)))
                .Concat(dependencies.Buckets.Select(bucket => Probe($"bucket {bucket}", () => s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }, cancellationToken))));
            var failures = (await Task.WhenAll(probes)).OfType<string>().ToArray();
            return failures.Length == 0
                ? HealthCheckResult.Healthy($"{dependencies.Queues.Count} queue(s) and {dependencies.Buckets.Count} bucket(s) answer")
                : HealthCheckResult.Unhealthy(string.Join("; ", failures));

            async Task<string?> Probe(string what, Func<Task> call)
            {
                try
                {
                    await call();
                    return null;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    return $"{what} does not answer: {e.Message}";
                }
            }
        }
    }
}
