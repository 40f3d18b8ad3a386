namespace EdgeScaler.Core.Tests.Hpa;

using EdgeScaler.Core.Hpa;

public class NormalizationTests
{
    private static readonly DateTimeOffset Now = Fx.Now;

    // TestConvertDesiredReplicasWithRules (own rows).
    [Theory]
    [InlineData(5, 7, 2, 10, 7, "DesiredWithinRange")]
    [InlineData(1, 0, 0, 10, 0, "DesiredWithinRange")]    // prenormalized desired zeroed replicas within range (scale to zero)
    [InlineData(5, 1, 2, 10, 2, "TooFewReplicas")]
    [InlineData(5, 20, 2, 30, 10, "ScaleUpLimit")]         // 2x current
    [InlineData(1, 20, 1, 30, 4, "ScaleUpLimit")]          // at least 4
    [InlineData(5, 20, 2, 8, 8, "TooManyReplicas")]
    [InlineData(5, 20, 2, 10, 10, "TooManyReplicas")]      // max == 2x: max wins the reason
    [InlineData(0, 3, 0, 10, 3, "DesiredWithinRange")]
    public void Legacy_rules(int current, int desired, int min, int max, int expected, string reason)
    {
        var (d, r, _) = Normalization.ConvertWithRules(current, desired, min, max);
        Assert.Equal(expected, d);
        Assert.Equal(reason, r);
    }

    [Fact]
    public void Legacy_stabilization_takes_the_max_of_the_window_and_reuses_old_slots()
    {
        var recs = new List<TimestampedRecommendation>
        {
            new(9, Now.AddMinutes(-6)),    // outside the 5m window: becomes the reused slot
            new(7, Now.AddMinutes(-4)),
            new(5, Now.AddMinutes(-5)),    // exactly at the cutoff: still inside (strict Before)
        };
        var r = Normalization.Legacy(8, 3, 1, 10, TimeSpan.FromMinutes(5), recs, Now);
        Assert.Equal(7, r.Stabilized);
        Assert.Equal(7, r.Desired);
        Assert.Equal("ScaleDownStabilized", r.AbleToScale.Reason);
        Assert.Equal("DesiredWithinRange", r.ScalingLimited.Reason);
        Assert.Equal(ConditionStatus.False, r.ScalingLimited.Status);
        Assert.Equal(3, r.Recommendations.Count);
        Assert.Equal(new TimestampedRecommendation(3, Now), r.Recommendations[0]);
    }

    [Fact]
    public void Legacy_scale_up_is_immediate_but_limited()
    {
        var r = Normalization.Legacy(2, 12, 1, 20, TimeSpan.FromMinutes(5), [new(2, Now.AddMinutes(-1))], Now);
        Assert.Equal(12, r.Stabilized);
        Assert.Equal(4, r.Desired);
        Assert.Equal("ReadyForNewScale", r.AbleToScale.Reason);
        Assert.Equal("ScaleUpLimit", r.ScalingLimited.Reason);
        Assert.Equal(ConditionStatus.True, r.ScalingLimited.Status);
    }

    private static ScalingRules Rules(SelectPolicy select, int? window, params ScalingPolicy[] policies) => new(window, select, policies);
    private static ScalingPolicy Pods(int v, int period) => new(ScalingPolicyType.Pods, v, period);
    private static ScalingPolicy Percent(int v, int period) => new(ScalingPolicyType.Percent, v, period);

    // TestCalculateScaleUpLimitWithScalingRules-style rows.
    [Theory]
    [InlineData(10, "Max", 14, 0, 0)]                      // max(10+4, ceil(10*2))=20 with default policies → see below
    public void Scale_up_limit_default_policies(int current, string select, int _, int added, int deleted)
    {
        var rules = new HpaBehavior(null, null).WithDefaults().ScaleUp! with { SelectPolicy = Enum.Parse<SelectPolicy>(select) };
        var up = added > 0 ? new List<ScaleEvent> { new(added, Now.AddSeconds(-5)) } : [];
        var down = deleted > 0 ? new List<ScaleEvent> { new(deleted, Now.AddSeconds(-5)) } : [];
        Assert.Equal(20, Normalization.ScaleUpLimit(current, up, down, rules, Now));
        Assert.Equal(14, Normalization.ScaleUpLimit(current, up, down, rules with { SelectPolicy = SelectPolicy.Min }, Now));
        Assert.Equal(current, Normalization.ScaleUpLimit(current, up, down, rules with { SelectPolicy = SelectPolicy.Disabled }, Now));
    }

    [Fact]
    public void Scale_up_limit_counts_events_in_each_policy_period()
    {
        var rules = Rules(SelectPolicy.Max, 0, Pods(4, 60), Percent(50, 30));
        // 3 added 20s ago (inside both periods), 2 added 45s ago (inside 60s only).
        var up = new List<ScaleEvent> { new(3, Now.AddSeconds(-20)), new(2, Now.AddSeconds(-45)) };
        // Pods: start 10-5=5 → 9; Percent: start 10-3=7 → ceil(10.5)=11 → Max = 11.
        Assert.Equal(11, Normalization.ScaleUpLimit(10, up, [], rules, Now));
        Assert.Equal(9, Normalization.ScaleUpLimit(10, up, [], rules with { SelectPolicy = SelectPolicy.Min }, Now));
        // An event exactly one period old is excluded.
        Assert.Equal(0, Normalization.ChangeInPeriod(60, [new(5, Now.AddSeconds(-60))], Now));
        Assert.Equal(5, Normalization.ChangeInPeriod(60, [new(5, Now.AddSeconds(-59))], Now));
    }

    // TestCalculateScaleDownLimitWithBehaviors-style rows.
    [Theory]
    [InlineData(5, "Percent", 50, "Max", 0, 2)]    // 5 * 0.5 = 2.5 → truncated 2
    [InlineData(5, "Pods", 2, "Max", 0, 3)]
    [InlineData(5, "Percent", 100, "Max", 0, 0)]
    [InlineData(5, "Pods", 10, "Max", 0, -5)]       // may go negative; min clamps later
    [InlineData(5, "Percent", 50, "Max", 2, 3)]     // 2 already removed this period: start 7 → 3
    [InlineData(5, "Percent", 50, "Disabled", 0, 5)]
    public void Scale_down_limit(int current, string type, int value, string select, int deletedInPeriod, int expected)
    {
        var rules = Rules(Enum.Parse<SelectPolicy>(select), null, new ScalingPolicy(Enum.Parse<ScalingPolicyType>(type), value, 60));
        var down = deletedInPeriod > 0 ? new List<ScaleEvent> { new(deletedInPeriod, Now.AddSeconds(-10)) } : [];
        Assert.Equal(expected, Normalization.ScaleDownLimit(current, [], down, rules, Now));
    }

    [Fact]
    public void Scale_down_select_min_takes_the_smallest_change()
    {
        var rules = Rules(SelectPolicy.Min, null, Pods(1, 60), Percent(50, 60));
        Assert.Equal(9, Normalization.ScaleDownLimit(10, [], [], rules, Now));
        Assert.Equal(5, Normalization.ScaleDownLimit(10, [], [], rules with { SelectPolicy = SelectPolicy.Max }, Now));
    }

    private static HpaBehavior Behavior(int? upWindow = 0, int? downWindow = null, ScalingRules? up = null, ScalingRules? down = null) =>
        new HpaBehavior(up ?? new ScalingRules(upWindow), down ?? new ScalingRules(downWindow)).WithDefaults();

    [Fact]
    public void Behavior_scale_down_waits_for_the_highest_recommendation_in_the_window()
    {
        var history = new HpaHistory([new(8, Now.AddMinutes(-4)), new(6, Now.AddMinutes(-2))], [], []);
        var r = Normalization.WithBehavior(8, 3, 1, 10, Behavior(), TimeSpan.FromMinutes(5), history, Now);
        Assert.Equal(8, r.Stabilized);
        Assert.Equal(8, r.Desired);
        Assert.Equal("ScaleDownStabilized", r.AbleToScale.Reason);
        Assert.Equal("DesiredWithinRange", r.ScalingLimited.Reason);
        // five minutes later the 8 and 6 are out of the window
        var later = Normalization.WithBehavior(8, 3, 1, 10, Behavior(), TimeSpan.FromMinutes(5), history with { Recommendations = r.Recommendations }, Now.AddMinutes(5).AddSeconds(1));
        Assert.Equal(3, later.Stabilized);
        Assert.Equal(3, later.Desired);
        Assert.Equal("ReadyForNewScale", later.AbleToScale.Reason);
    }

    [Fact]
    public void Behavior_scale_up_window_takes_the_lowest_recommendation()
    {
        var history = new HpaHistory([new(4, Now.AddSeconds(-30)), new(6, Now.AddSeconds(-10))], [], []);
        var r = Normalization.WithBehavior(3, 9, 1, 20, Behavior(upWindow: 60), TimeSpan.FromMinutes(5), history, Now);
        Assert.Equal(4, r.Stabilized);
        Assert.Equal("ScaleUpStabilized", r.AbleToScale.Reason);
    }

    [Fact]
    public void Behavior_stabilization_never_moves_past_current_in_the_wrong_direction()
    {
        // "do not scale up when prenormalized rec goes down": recommendations 10 in window, desired 5, current 6 → stays 6? No:
        // up window min(5,10)=5, down window max(5,10)=10, clamp(current 6, 5, 10) = 6 → hold at current.
        var history = new HpaHistory([new(10, Now.AddSeconds(-10))], [], []);
        var r = Normalization.WithBehavior(6, 5, 1, 20, Behavior(upWindow: 60, downWindow: 60), TimeSpan.FromMinutes(5), history, Now);
        Assert.Equal(6, r.Stabilized);
        Assert.Equal("ScaleDownStabilized", r.AbleToScale.Reason);
        // "do not scale down when prenormalized rec goes up": recommendations 2 in window, desired 8, current 6 → 6.
        var r2 = Normalization.WithBehavior(6, 8, 1, 20, Behavior(upWindow: 60, downWindow: 60), TimeSpan.FromMinutes(5), new HpaHistory([new(2, Now.AddSeconds(-10))], [], []), Now);
        Assert.Equal(6, r2.Stabilized);
        Assert.Equal("ScaleUpStabilized", r2.AbleToScale.Reason);
    }

    [Fact]
    public void Behavior_rate_limits_and_reasons()
    {
        var b = Behavior();
        // Default scale-up: max(4 pods, 100%) per 15s from 3 → 7.
        var up = Normalization.WithBehavior(3, 50, 1, 100, b, TimeSpan.FromMinutes(5), HpaHistory.Empty, Now);
        Assert.Equal(7, up.Desired);
        Assert.Equal("ScaleUpLimit", up.ScalingLimited.Reason);
        Assert.Equal(ConditionStatus.True, up.ScalingLimited.Status);
        // Max below the policy limit: TooManyReplicas.
        var capped = Normalization.WithBehavior(3, 50, 1, 5, b, TimeSpan.FromMinutes(5), HpaHistory.Empty, Now);
        Assert.Equal(5, capped.Desired);
        Assert.Equal("TooManyReplicas", capped.ScalingLimited.Reason);
        // Scale-down, window 0, Pods 1 per 60s: one at a time.
        var slow = Behavior(downWindow: 0, down: new ScalingRules(0, SelectPolicy.Max, [Pods(1, 60)]));
        var down = Normalization.WithBehavior(6, 2, 1, 10, slow, TimeSpan.FromMinutes(5), HpaHistory.Empty, Now);
        Assert.Equal(5, down.Desired);
        Assert.Equal("ScaleDownLimit", down.ScalingLimited.Reason);
        // ... and after a one-replica scale-down 30s ago, none.
        var again = Normalization.WithBehavior(5, 2, 1, 10, slow, TimeSpan.FromMinutes(5), new HpaHistory([], [], [new(1, Now.AddSeconds(-30))]), Now);
        Assert.Equal(5, again.Desired);
        // Scale-down below min: TooFewReplicas.
        var floor = Normalization.WithBehavior(6, 1, 4, 10, Behavior(downWindow: 0), TimeSpan.FromMinutes(5), HpaHistory.Empty, Now);
        Assert.Equal(4, floor.Desired);
        Assert.Equal("TooFewReplicas", floor.ScalingLimited.Reason);
        // Disabled scale-up: hold.
        var disabled = Behavior(up: new ScalingRules(0, SelectPolicy.Disabled));
        var held = Normalization.WithBehavior(3, 9, 1, 10, disabled, TimeSpan.FromMinutes(5), HpaHistory.Empty, Now);
        Assert.Equal(3, held.Desired);
        Assert.Equal("ScaleUpLimit", held.ScalingLimited.Reason);
    }

    [Fact]
    public void Behavior_has_no_two_x_rule()
    {
        var b = Behavior(up: new ScalingRules(0, SelectPolicy.Max, [Percent(900, 15)]));
        var r = Normalization.WithBehavior(2, 20, 1, 100, b, TimeSpan.FromMinutes(5), HpaHistory.Empty, Now);
        Assert.Equal(20, r.Desired);
    }

    [Fact]
    public void Store_scale_event_reuses_the_last_outdated_slot()
    {
        var b = Behavior(up: new ScalingRules(0, SelectPolicy.Max, [Pods(4, 60), Percent(100, 120)]));
        var h = new HpaHistory([], [new(1, Now.AddSeconds(-500)), new(2, Now.AddSeconds(-300)), new(3, Now.AddSeconds(-30))], []);
        var after = Normalization.StoreScaleEvent(h, b, 3, 5, Now);
        Assert.Equal([new(1, Now.AddSeconds(-500)), new(2, Now), new(3, Now.AddSeconds(-30))], after.ScaleUpEvents);
        // the -500s event is still outdated: the next event takes its slot; with none left, events append
        var second = Normalization.StoreScaleEvent(after, b, 5, 6, Now);
        Assert.Equal([new(1, Now), new(2, Now), new(3, Now.AddSeconds(-30))], second.ScaleUpEvents);
        Assert.Equal(4, Normalization.StoreScaleEvent(second, b, 6, 7, Now).ScaleUpEvents.Count);
        var down = Normalization.StoreScaleEvent(h, b, 5, 3, Now);
        Assert.Equal([new ScaleEvent(2, Now)], down.ScaleDownEvents);
        Assert.Same(h, Normalization.StoreScaleEvent(h, null, 3, 5, Now));
    }
}
