using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.SQS;
using FaceRecognition.Cloud.Topology;
using Microsoft.Extensions.Options;

namespace FaceRecognition.WebTier.Scaling;

/// <summary>
/// The app tier's autoscaler, in the web tier as in the original: every poll it reads the request queue's depth and
/// the app-tier instances' states from EC2, asks <see cref="ScalingPolicy"/> how many should run, and starts or stops
/// instances by id through the EC2 API. Locally the emulator's EC2 turns those calls into app-tier replicas started and
/// stopped by the AppHost; on AWS they are real instances.
/// A request sent while no instance runs or starts (<see cref="RequestSent"/>) is looked at at once rather than at the next
/// poll.
/// </summary>
internal sealed partial class AutoScaler(IAmazonSQS sqs, IAmazonEC2 ec2, TopologyNames names, IOptionsMonitor<ScalingOptions> options, TimeProvider time,
    ILogger<AutoScaler> logger) : BackgroundService
{
    public const string MeterName = "FaceRecognition.Scaling";
    private static readonly Meter s_meter = new(MeterName);
    private readonly ScalingOptions _options = options.CurrentValue;
    private volatile ScalingSnapshot _last = new(0, 0, 0, 0, "not started");
    private readonly Channel<bool> _nudges = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>The last decision and what it saw (for metrics and the dashboard).</summary>
    public ScalingSnapshot Last => _last;

    /// <summary>A request was just sent to the app tier: with no instance running or starting, scale now.</summary>
    public void RequestSent()
    {
        var last = _last;
        if (last.Running + last.Pending == 0)
        {
            _nudges.Writer.TryWrite(true);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }
        s_meter.CreateObservableGauge("facerec.scaling.desired", () => _last.Desired, description: "App-tier instances wanted");
        s_meter.CreateObservableGauge("facerec.scaling.running", () => _last.Running, description: "App-tier instances running");
        s_meter.CreateObservableGauge("facerec.scaling.queue_depth", () => _last.QueueDepth, description: "Requests waiting or in flight");
        var policy = new ScalingPolicy(_options, time);
        var fleet = new AppTierFleet(ec2, _options.InstanceNamePattern);
        string? queueUrl = null;
        string? lastReason = null;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_options.PollIntervalMilliseconds), time);
        var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        // One wait for a nudge at a time, kept across polls: a new one per poll would pile up in the channel while idle.
        var nudged = _nudges.Reader.WaitToReadAsync(stoppingToken).AsTask();
        do
        {
            try
            {
                queueUrl ??= (await sqs.GetQueueUrlAsync(names.RequestQueue, stoppingToken)).QueueUrl;
                FollowMaxInstances(policy);
                var reason = await StepAsync(policy, fleet, queueUrl, stoppingToken);
                if (reason != lastReason)
                {
                    LogDecision(_last.Desired, _last.Running, _last.Pending, _last.QueueDepth, reason);
                    lastReason = reason;
                }
            }
            catch (Exception e) when (e is AmazonServiceException or HttpRequestException)
            {
                LogUnreachable(e.Message);
            }
        }
        while (await NextStepAsync());

        // The next poll, or sooner when nudged.
        async Task<bool> NextStepAsync()
        {
            await Task.WhenAny(tick, nudged);
            if (nudged.IsCompleted)
            {
                _nudges.Reader.TryRead(out _);
                nudged = _nudges.Reader.WaitToReadAsync(stoppingToken).AsTask();
            }
            if (!tick.IsCompleted)
            {
                return true;
            }
            var more = await tick;
            tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
            return more;
        }
    }

    /// <summary>Takes up a changed <see cref="ScalingOptions.MaxInstances"/> (<see cref="ScalingOptions.OverridesFile"/>);
    /// a change that fails validation or binding keeps the last good value.</summary>
    private void FollowMaxInstances(ScalingPolicy policy)
    {
        try
        {
            var max = options.CurrentValue.MaxInstances;
            if (max != policy.MaxInstances)
            {
                policy.MaxInstances = max;
                LogMaxInstances(policy.MaxInstances);
            }
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException)
        {
            LogBadOverride(e.Message);
        }
    }

    private async Task<string> StepAsync(ScalingPolicy policy, AppTierFleet fleet, string queueUrl, CancellationToken cancellationToken)
    {
        var attributes = await sqs.GetQueueAttributesAsync(queueUrl, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"], cancellationToken);
        var load = new QueueLoad(attributes.ApproximateNumberOfMessages, attributes.ApproximateNumberOfMessagesNotVisible);
        var instances = await fleet.DescribeAsync(cancellationToken);
        var running = instances.Where(i => i.State.Name == InstanceStateName.Running).ToArray();
        var pending = instances.Where(i => i.State.Name == InstanceStateName.Pending).ToArray();
        var decision = policy.Decide(load, new Fleet(running.Length, pending.Length));
        var size = running.Length + pending.Length;

        if (decision.Desired > size)
        {
            var stopped = instances.Where(i => i.State.Name == InstanceStateName.Stopped).Take(decision.Desired - size).ToArray();
            if (stopped.Length > 0)
            {
                await fleet.StartAsync(stopped, cancellationToken);
            }
        }
        else if (decision.Desired < size)
        {
            // The newest first: pending ones, then the highest-numbered running ones.
            var surplus = pending.Reverse().Concat(running.Reverse()).Take(size - decision.Desired).ToArray();
            await fleet.StopAsync(surplus, cancellationToken);
        }
        _last = new ScalingSnapshot(decision.Desired, running.Length, pending.Length, load.Demand, decision.Reason);
        return decision.Reason;
    }

    [LoggerMessage(LogLevel.Information, "At most {MaxInstances} app-tier instance(s) from now on")]
    private partial void LogMaxInstances(int maxInstances);

    [LoggerMessage(LogLevel.Warning, "Scaling settings changed to something invalid, kept as they were: {Reason}")]
    private partial void LogBadOverride(string reason);

    [LoggerMessage(LogLevel.Information, "Scaling: want {Desired} (running {Running}, starting {Pending}, queue {Depth}): {Reason}")]
    private partial void LogDecision(int desired, int running, int pending, int depth, string reason);

    [LoggerMessage(LogLevel.Warning, "Scaling: could not read the queue or the instances: {Reason}")]
    private partial void LogUnreachable(string reason);
}

public sealed record ScalingSnapshot(int Desired, int Running, int Pending, int QueueDepth, string Reason);
