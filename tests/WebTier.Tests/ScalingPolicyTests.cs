using FaceRecognition.WebTier.Scaling;
using Microsoft.Extensions.Time.Testing;

namespace FaceRecognition.WebTier.Tests;

/// <summary>The autoscaling policy on a fake clock: bursts, drains, trickles, idle.</summary>
public sealed class ScalingPolicyTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-28T04:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ScalingOptions _options = new() { MaxInstances = 4, MessagesPerInstance = 5 };
    private readonly ScalingPolicy _policy;
    private int _fleet;

    public ScalingPolicyTests() => _policy = new ScalingPolicy(_options, _time);

    [Fact]
    public void Idle_with_no_instances_stays_at_zero()
    {
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(0, Tick(0).Desired);
        }
    }

    [Fact]
    public void A_burst_scales_out_at_once_to_one_instance_per_five_messages_capped_at_the_maximum()
    {
        Assert.Equal(1, Tick(visible: 3).Desired);
        Assert.Equal(3, Tick(visible: 11).Desired);
        var burst = Tick(visible: 100);
        Assert.Equal(4, burst.Desired);
        Assert.StartsWith("scale out: 100 message(s) need 4 instance(s)", burst.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_in_flight_count_as_demand_so_a_busy_fleet_is_not_stopped()
    {
        Tick(visible: 20);
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(4, Tick(visible: 0, inFlight: 20).Desired);
        }
    }

    [Fact]
    public void The_fleet_goes_to_zero_one_second_after_the_queue_drains_and_not_before()
    {
        Tick(visible: 100);
        Tick(visible: 40, inFlight: 20);

        Assert.Equal(4, Tick(0, advance: 0.5).Desired); // the queue is seen empty
        Assert.Equal(4, Tick(0, advance: 0.5).Desired);
        Assert.Equal(4, Tick(0, advance: 0.4).Desired);
        var scaledIn = Tick(0, advance: 0.2);
        Assert.Equal(0, scaledIn.Desired);
        Assert.Contains("empty for 1.1 s", scaledIn.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lower_target_stops_part_of_the_fleet_only_after_the_cool_down()
    {
        Tick(visible: 20);
        // The lower target is first seen at the first of these ticks; it must hold for 5 s.
        for (var second = 1; second <= 5; second++)
        {
            Assert.Equal(4, Tick(visible: 4, advance: 1).Desired);
        }
        Assert.Equal(1, Tick(visible: 4, advance: 1).Desired);
    }

    [Fact]
    public void A_load_that_wobbles_around_a_step_does_not_flap()
    {
        Tick(visible: 20);
        var decisions = new List<int>();
        for (var i = 0; i < 40; i++)
        {
            decisions.Add(Tick(visible: i % 2 == 0 ? 20 : 12, advance: 0.5).Desired);
        }
        Assert.All(decisions, d => Assert.Equal(4, d));
    }

    [Fact]
    public void A_steady_trickle_settles_on_one_instance_instead_of_starting_one_for_every_message()
    {
        var changes = 0;
        var previous = 0;
        var fleetSizes = new List<int>();
        // One message every 3 s, handled in 0.2 s, for two minutes.
        for (var t = 0.0; t < 120; t += 0.1)
        {
            var messageWaiting = t % 3 < 0.2;
            var desired = Tick(visible: messageWaiting ? 1 : 0, advance: 0.1).Desired;
            if (desired != previous)
            {
                changes++;
            }
            previous = desired;
            fleetSizes.Add(desired);
        }

        Assert.True(changes <= 8, $"{changes} scale changes in two minutes of trickle");
        Assert.All(fleetSizes.Skip(fleetSizes.Count / 2), size => Assert.Equal(1, size));
    }

    [Fact]
    public void After_a_quiet_spell_the_quick_scale_in_is_back()
    {
        for (var t = 0.0; t < 30; t += 0.1)
        {
            Tick(visible: t % 3 < 0.2 ? 1 : 0, advance: 0.1);
        }
        Assert.True(_policy.ScaleInDelay > TimeSpan.FromSeconds(1));

        for (var t = 0.0; t < 60; t += 0.5)
        {
            Tick(0, advance: 0.5);
        }
        Tick(visible: 50);
        Tick(0, advance: 0.5);
        Tick(0, advance: 0.5);

        Assert.Equal(TimeSpan.FromSeconds(1), _policy.ScaleInDelay);
        Assert.Equal(0, Tick(0, advance: 0.5).Desired);
    }

    [Fact]
    public void A_minimum_fleet_is_kept_when_idle()
    {
        _options.MinInstances = 1;
        var policy = new ScalingPolicy(_options, _time);

        Assert.Equal(1, policy.Decide(new QueueLoad(0, 0), new Fleet(0, 0)).Desired);
        Assert.Equal(1, policy.Decide(new QueueLoad(0, 0), new Fleet(1, 0)).Desired);
    }

    [Fact]
    public void Pending_instances_count_so_a_slow_start_does_not_start_more()
    {
        Assert.Equal(2, _policy.Decide(new QueueLoad(10, 0), new Fleet(0, 0)).Desired);
        Assert.Equal(2, _policy.Decide(new QueueLoad(10, 0), new Fleet(0, 2)).Desired);
        Assert.Equal(2, _policy.Decide(new QueueLoad(10, 0), new Fleet(1, 1)).Desired);
    }

    [Fact]
    public void A_limit_on_starting_instances_starts_a_deep_queue_s_fleet_a_few_at_a_time()
    {
        var options = new ScalingOptions { MaxInstances = 20, MessagesPerInstance = 5, MaxStartingInstances = 2 };
        var policy = new ScalingPolicy(options, _time);
        var deep = new QueueLoad(100, 0);

        var first = policy.Decide(deep, new Fleet(0, 0));
        Assert.Equal(2, first.Desired);
        Assert.EndsWith("starting at most 2 at once", first.Reason, StringComparison.Ordinal);
        Assert.Equal(2, policy.Decide(deep, new Fleet(0, 2)).Desired);
        Assert.Equal(3, policy.Decide(deep, new Fleet(1, 1)).Desired);
        Assert.Equal(4, policy.Decide(deep, new Fleet(2, 0)).Desired);
        Assert.Equal(20, policy.Decide(deep, new Fleet(18, 0)).Desired);
        Assert.Equal(20, policy.Decide(deep, new Fleet(19, 0)).Desired);
        // A queue that needs fewer than the limit allows is served at once, as without one.
        Assert.Equal(1, new ScalingPolicy(options, _time).Decide(new QueueLoad(3, 0), new Fleet(0, 0)).Desired);
    }

    /// <summary>One controller step: time passes, the policy decides, and the fleet becomes what it asked for.</summary>
    private ScalingDecision Tick(int visible, int inFlight = 0, double advance = 0.5)
    {
        _time.Advance(TimeSpan.FromSeconds(advance));
        var decision = _policy.Decide(new QueueLoad(visible, inFlight), new Fleet(_fleet, 0));
        _fleet = decision.Desired;
        return decision;
    }
}
