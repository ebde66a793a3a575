namespace FaceRecognition.WebTier.Scaling;

/// <summary>What the request queue holds: messages waiting, and messages an instance has taken but not finished.</summary>
public readonly record struct QueueLoad(int Visible, int InFlight)
{
    public int Demand => Visible + InFlight;
}

/// <summary>The app-tier instances: running, and started but not running yet.</summary>
public readonly record struct Fleet(int Running, int Pending)
{
    public int Size => Running + Pending;
}

public sealed record ScalingDecision(int Desired, string Reason);

/// <summary>
/// How many app-tier instances the queue needs. Scale out at once to one instance per
/// <see cref="ScalingOptions.MessagesPerInstance"/> messages; scale in to the minimum once the queue has been empty for
/// the scale-in delay; stop part of the fleet only after a lower target has held for the cool-down. A trickle that
/// brings instances back soon after each scale-in doubles the delay (up to its maximum), so a steady trickle keeps one
/// instance instead of starting and stopping it for every message; a quiet spell resets it. With
/// <see cref="ScalingOptions.MaxStartingInstances"/>, a scale-out starts no more than that many at once and the next
/// ones as those become running.
/// </summary>
public sealed class ScalingPolicy(ScalingOptions options, TimeProvider time)
{
    private readonly TimeSpan _baseDelay = TimeSpan.FromSeconds(options.ScaleInDelaySeconds);
    private TimeSpan _scaleInDelay = TimeSpan.FromSeconds(options.ScaleInDelaySeconds);
    private DateTimeOffset? _emptySince;
    private DateTimeOffset? _lowerSince;
    private DateTimeOffset? _scaledInAt;

    private int _maxInstances = options.MaxInstances;

    /// <summary>The most instances wanted; may change between decisions (never below the minimum).</summary>
    public int MaxInstances
    {
        get => _maxInstances;
        set => _maxInstances = Math.Max(value, options.MinInstances);
    }

    /// <summary>The current scale-in delay (grows on a trickle).</summary>
    public TimeSpan ScaleInDelay => _scaleInDelay;

    public ScalingDecision Decide(QueueLoad load, Fleet fleet)
    {
        var now = time.GetUtcNow();
        var target = Math.Clamp((load.Demand + options.MessagesPerInstance - 1) / options.MessagesPerInstance, options.MinInstances, _maxInstances);

        if (target > fleet.Size)
        {
            _emptySince = null;
            _lowerSince = null;
            if (fleet.Size == options.MinInstances && _scaledInAt is { } scaledIn && now - scaledIn < FlapWindow)
            {
                _scaleInDelay = TimeSpan.FromTicks(Math.Min(_scaleInDelay.Ticks * 2, TimeSpan.FromSeconds(options.MaxScaleInDelaySeconds).Ticks));
            }
            _scaledInAt = null;
            var reason = $"scale out: {load.Demand} message(s) need {target} instance(s) at {options.MessagesPerInstance} each";
            if (options.MaxStartingInstances > 0 && fleet.Size + options.MaxStartingInstances - fleet.Pending < target)
            {
                var desired = fleet.Size + Math.Max(0, options.MaxStartingInstances - fleet.Pending);
                return new ScalingDecision(desired, $"{reason}, starting at most {options.MaxStartingInstances} at once");
            }
            return new ScalingDecision(target, reason);
        }

        if (load.Demand == 0)
        {
            _lowerSince = null;
            _emptySince ??= now;
            if (fleet.Size > options.MinInstances)
            {
                var empty = now - _emptySince.Value;
                if (empty >= _scaleInDelay)
                {
                    _scaledInAt = now;
                    return new ScalingDecision(options.MinInstances, $"scale in: the queue has been empty for {empty.TotalSeconds:0.0} s");
                }
                return new ScalingDecision(fleet.Size, $"hold: the queue is empty, scaling in after {_scaleInDelay.TotalSeconds:0.0} s");
            }
            if (_scaledInAt is { } at && now - at >= FlapWindow)
            {
                // A quiet spell: the next burst is not a trickle.
                _scaleInDelay = _baseDelay;
                _scaledInAt = null;
            }
            return new ScalingDecision(fleet.Size, "idle");
        }

        _emptySince = null;
        if (target < fleet.Size)
        {
            _lowerSince ??= now;
            if (now - _lowerSince.Value >= TimeSpan.FromSeconds(options.ScaleInCooldownSeconds))
            {
                _lowerSince = null;
                return new ScalingDecision(target, $"scale in: {load.Demand} message(s) have needed only {target} instance(s) for {options.ScaleInCooldownSeconds:0.#} s");
            }
            return new ScalingDecision(fleet.Size, $"hold: {load.Demand} message(s) need {target}, waiting out the cool-down");
        }
        _lowerSince = null;
        return new ScalingDecision(fleet.Size, "steady");
    }

    /// <summary>A scale-out this soon after a scale-in to the minimum counts as a trickle.</summary>
    private TimeSpan FlapWindow => TimeSpan.FromSeconds(Math.Max(10, options.MaxScaleInDelaySeconds));
}
