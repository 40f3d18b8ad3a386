namespace EdgeScaler.Core.Tests.Hpa;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;

public class ScalingPipelineTests
{
    private static readonly Dictionary<string, ThermalState> NoHeat = [];

    private static HpaInput ScaleUpInput(string? policy = null)
    {
        var pods = new List<PodInfo> { Fx.Pod("p0", node: "pi-1"), Fx.Pod("p1", node: "pi-1"), Fx.Pod("p2", node: "pi-2") };
        var input = Fx.Input(Fx.Spec(1, 10, null, MetricSpec.ResourceUtilization("cpu", 30)), 3, pods, Fx.CpuUsage(300, 500, 700));
        return policy is null ? input : input with { Hpa = input.Hpa with { Annotations = new Dictionary<string, string> { [ThermalPolicyAnnotation.Key] = policy } } };
    }

    [Fact]
    public void Hold_blocks_scale_up_and_says_what_the_hpa_wanted()
    {
        var o = ScalingPipeline.Decide(ScaleUpInput(), new Dictionary<string, ThermalState> { ["pi-2"] = ThermalState.Hot }, null);
        Assert.Equal(5, o.Hpa.DesiredReplicas);
        Assert.Equal(3, o.DesiredReplicas);
        Assert.Equal(ScaleMode.ThermalHold, o.Decision.Mode);
        Assert.Equal(5, o.Decision.RecommendedReplicas);
        Assert.Equal(3, o.Decision.DesiredReplicas);
        Assert.Equal("hold", o.Decision.ThermalPolicy);
        Assert.Equal(ThermalState.Hot, o.Decision.HostingThermalState);
        Assert.Contains("pi-2", o.Decision.Reason);
        Assert.False(o.IsRescale);
        Assert.Empty(o.HistoryAfter.ScaleUpEvents);
        // the recommendation (5) is still remembered for stabilization
        Assert.Contains(o.HistoryAfter.Recommendations, r => r.Replicas == 5);
    }

    [Fact]
    public void Ignore_lets_the_hpa_answer_through()
    {
        var o = ScalingPipeline.Decide(ScaleUpInput("ignore"), new Dictionary<string, ThermalState> { ["pi-2"] = ThermalState.Critical }, null);
        Assert.Equal(5, o.DesiredReplicas);
        Assert.Equal(ScaleMode.Auto, o.Decision.Mode);
    }

    [Fact]
    public void Unknown_policy_value_falls_back_to_hold_with_a_warning()
    {
        var o = ScalingPipeline.Decide(ScaleUpInput("lava"), new Dictionary<string, ThermalState> { ["pi-1"] = ThermalState.Hot }, null);
        Assert.Equal(3, o.DesiredReplicas);
        Assert.NotNull(o.PolicyWarning);
    }

    [Fact]
    public void Override_pins_and_a_released_override_returns_to_the_hpa_answer()
    {
        var pin = new ActiveOverride(8, null, OverrideSource.Cli, Fx.Now.AddMinutes(-1));
        var pinned = ScalingPipeline.Decide(ScaleUpInput(), NoHeat, pin);
        Assert.Equal(8, pinned.DesiredReplicas);
        Assert.Equal(ScaleMode.Override, pinned.Decision.Mode);
        var released = ScalingPipeline.Decide(ScaleUpInput(), NoHeat, null);
        Assert.Equal(5, released.DesiredReplicas);
    }

    [Fact]
    public void Override_under_a_critical_node_cannot_scale_up()
    {
        var pin = new ActiveOverride(8, null, OverrideSource.Panel, Fx.Now.AddMinutes(-1));
        var o = ScalingPipeline.Decide(ScaleUpInput(), new Dictionary<string, ThermalState> { ["pi-1"] = ThermalState.Critical }, pin);
        Assert.Equal(3, o.DesiredReplicas);
        Assert.True(o.Override!.BlockedByCritical);
    }

    [Fact]
    public void Scaling_disabled_target_is_not_overridden()
    {
        var input = Fx.Input(Fx.Spec(1, 10, null, MetricSpec.ResourceUtilization("cpu", 30)), 0, [], new HpaMetricsSnapshot());
        var o = ScalingPipeline.Decide(input, NoHeat, new ActiveOverride(4, null, OverrideSource.Cli, Fx.Now));
        Assert.Equal(0, o.DesiredReplicas);
        Assert.Null(o.Override);
    }

    [Fact]
    public void Scale_events_record_what_is_written()
    {
        var input = ScaleUpInput();
        input = input with { Hpa = input.Hpa with { Spec = input.Hpa.Spec with { Behavior = new HpaBehavior(null, null) } } };
        var held = ScalingPipeline.Decide(input, new Dictionary<string, ThermalState> { ["pi-1"] = ThermalState.Hot }, null);
        Assert.Empty(held.HistoryAfter.ScaleUpEvents);
        var free = ScalingPipeline.Decide(input, NoHeat, null);
        Assert.Equal([new ScaleEvent(2, Fx.Now)], free.HistoryAfter.ScaleUpEvents);
    }

    /// <summary>
    /// Upstream's rescaleReason comes from the metrics' proposal before normalization: "X above target" when it is above
    /// the current count, "All metrics below target" when below, and empty otherwise — also when the legacy
    /// stabilization window (behavior nil) alone then raises the count ("New size: 6; reason: ").
    /// Three pods requesting 1000m against a 50 % target; history: one recommendation a minute or two ago (0 = none).
    /// </summary>
    [Theory]
    [InlineData(500, 8, 6, "")]                                                            // at target; the window's 8 raises it (limited to max(2×3, 4))
    [InlineData(500, 0, 3, "within target")]                                               // at target, nothing remembered: no rescale
    [InlineData(500, 3, 3, "within target")]                                               // at target, the window agrees
    [InlineData(900, 0, 6, "cpu resource utilization (percentage of request) above target")] // 180 % → 6
    [InlineData(200, 3, 3, "All metrics below target")]                                    // wants 2, the window holds 3
    [InlineData(200, 8, 6, "All metrics below target")]                                    // wants 2, the window raises to 6: upstream keeps this reason
    public void Legacy_window_rescale_reason_is_upstreams(long usagePerPodMilli, int remembered, int desired, string reason)
    {
        var history = remembered == 0 ? HpaHistory.Empty : HpaHistory.Empty with { Recommendations = [new TimestampedRecommendation(remembered, Fx.Now.AddMinutes(-2))] };
        var input = Fx.Input(Fx.Spec(1, 10, null, MetricSpec.ResourceUtilization("cpu", 50)), 3, Fx.Pods(1000, 1000, 1000),
            Fx.CpuUsage(usagePerPodMilli, usagePerPodMilli, usagePerPodMilli), history);

        var o = ScalingPipeline.Decide(input, NoHeat, null);

        Assert.Equal(desired, o.DesiredReplicas);
        Assert.Equal(ScaleMode.Auto, o.Decision.Mode);
        Assert.Equal(reason, o.Decision.Reason);
        if (o.IsRescale)
            Assert.Contains(o.Hpa.Events, e => e.Reason == HpaConditions.SuccessfulRescale && e.Message == $"New size: {desired}; reason: {reason}");
    }

    [Fact]
    public void Property_released_override_returns_to_the_hpa_answer_and_result_stays_in_range()
    {
        var rng = new Random(99);
        for (var i = 0; i < 1500; i++)
        {
            var min = rng.Next(1, 4);
            var max = min + rng.Next(1, 10);
            var current = rng.Next(min, max + 1);
            var pods = Enumerable.Range(0, current).Select(p => Fx.Pod($"p{p}", 1000, node: $"n{p % 3}")).ToList();
            var usage = Enumerable.Range(0, current).Select(_ => (long?)rng.Next(0, 3000)).ToArray();
            var input = Fx.Input(Fx.Spec(min, max, null, MetricSpec.ResourceUtilization("cpu", 60)), current, pods, Fx.CpuUsage(usage));
            var heat = new Dictionary<string, ThermalState> { ["n0"] = (ThermalState)rng.Next(0, 4), ["n1"] = ThermalState.Cool };
            var baseline = ScalingPipeline.Decide(input, heat, null);
            var pin = OverrideBook.Apply(null, OverrideRequest.Pin(input.Hpa.Ref, rng.Next(0, 20), TimeSpan.FromMinutes(rng.Next(1, 60)), false, OverrideSource.Mqtt, Fx.Now), min, max).Next;
            var pinned = ScalingPipeline.Decide(input, heat, pin);
            Assert.InRange(pinned.DesiredReplicas, min, max);
            var released = OverrideBook.Apply(pin, OverrideRequest.Auto(input.Hpa.Ref, OverrideSource.Cli, Fx.Now.AddSeconds(1)), min, max).Next;
            Assert.Equal(baseline.DesiredReplicas, ScalingPipeline.Decide(input, heat, released).DesiredReplicas);
            // and an expired one behaves like a released one
            var expired = ScalingPipeline.Decide(input with { Now = Fx.Now.AddHours(2) }, heat, pin);
            Assert.Null(expired.Override);
            Assert.InRange(baseline.DesiredReplicas, min, max);
        }
    }
}
