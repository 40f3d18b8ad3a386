namespace EdgeScaler.Core.Tests.Hpa;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Units;

/// <summary>Pods (custom), Object and External metric cases after upstream's *CM* tests; values are milli-units.</summary>
public class ReplicaCalculatorPlainTests
{
    [Theory]
    [InlineData("ScaleUpCM", 3, new long[] { 20000, 10000, 30000 }, 15000, 4, 20000)]
    [InlineData("ScaleDownCM", 5, new long[] { 12000, 12000, 12000, 12000, 12000 }, 20000, 3, 12000)]
    [InlineData("ToleranceCM", 3, new long[] { 20000, 21000, 21000 }, 20000, 3, 20666)]
    [InlineData("IntegerAverage", 3, new long[] { 95000, 0, 0 }, 10000, 10, 31666)]   // 95000/3 = 31666 (int64), ceil(3.1666*3)
    public void Pods_metric(string name, int current, long[] levels, long target, int expected, long expectedUsage)
    {
        _ = name;
        var pods = Fx.Pods(levels.Select(_ => 1000L).ToArray());
        var metrics = Fx.PodsMetric("qps", levels.Select(l => (long?)l).ToArray());
        var r = Fx.Calc(pods).PodsMetric(current, target, "qps", metrics.GetPodsMetric("qps", null));
        Assert.True(r.Ok, r.Error);
        Assert.Equal(expected, r.Value!.Replicas);
        Assert.Equal(expectedUsage, r.Value.RawValue);
    }

    [Fact]
    public void Pods_metric_ignores_readiness_for_running_pods()
    {
        // ScaleUpCMUnreadyHotCpuNoLessScale: readiness only matters for cpu, so all three running pods count.
        var pods = new List<PodInfo> { Fx.Pod("p0", ready: false), Fx.Pod("p1"), Fx.Pod("p2", ready: false) };
        var r = Fx.Calc(pods).PodsMetric(3, 15000, "qps", Fx.PodsMetric("qps", 50000, 10000, 30000).GetPodsMetric("qps", null));
        Assert.Equal(6, r.Value!.Replicas);
        Assert.Equal(30000, r.Value.RawValue);
    }

    [Fact]
    public void Pods_metric_missing_pod_on_scale_down_counts_as_target()
    {
        // 2 of 3 pods report 5000 (half of the 10000 target); the third is filled with 10000 → 20000/3 = 6666 → ceil(0.6666*3) = 2.
        var r = Fx.Calc(Fx.Pods(1, 1, 1)).PodsMetric(3, 10000, "qps", Fx.PodsMetric("qps", 5000, 5000, null).GetPodsMetric("qps", null));
        Assert.Equal(2, r.Value!.Replicas);
        Assert.Equal(5000, r.Value.RawValue);
        Assert.Equal(["p2"], r.Value.Pods!.Missing);
    }

    [Fact]
    public void Pods_metric_absent_from_api_is_an_error()
    {
        var r = Fx.Calc(Fx.Pods(1)).PodsMetric(1, 10, "qps", new HpaMetricsSnapshot().GetPodsMetric("qps", null));
        Assert.StartsWith("unable to get metric qps: ", r.Error);
    }

    [Theory]
    [InlineData(3, 20000, 15000, 4)]   // ScaleUpCMObject: ceil(1.333 * 3 ready)
    [InlineData(5, 12000, 20000, 3)]   // ScaleDownCMObject
    [InlineData(3, 15500, 15000, 3)]   // within tolerance
    [InlineData(1, 8600, 4400, 2)]     // ScaleUpCMExternal
    [InlineData(5, 8600, 14334, 3)]    // ScaleDownCMExternal
    [InlineData(0, 8600, 4400, 2)]     // scale from zero: ceil(ratio), no tolerance, no pods needed
    [InlineData(0, 100, 4400, 1)]
    [InlineData(0, 0, 4400, 0)]        // stays at zero
    public void Value_target(int current, long usage, long target, int expected)
    {
        var pods = current == 0 ? new List<PodInfo>() : Fx.Pods(Enumerable.Repeat(1000L, current).ToArray());
        var r = Fx.Calc(pods).UsageRatioReplicas(current, usage, target, Fx.Now);
        Assert.True(r.Ok, r.Error);
        Assert.Equal(expected, r.Value!.Replicas);
        Assert.Equal(usage, r.Value.RawValue);
    }

    [Fact]
    public void Value_target_counts_only_running_ready_pods()
    {
        var pods = new List<PodInfo> { Fx.Pod("a"), Fx.Pod("b", ready: false), Fx.Pod("c", phase: PodPhase.Pending) };
        Assert.Equal(2, Fx.Calc(pods).UsageRatioReplicas(3, 20000, 10000, Fx.Now).Value!.Replicas);
    }

    [Theory]
    [InlineData(3, 20000, 5000, 4, 6667)]  // ScaleUpCMPerPodObject
    [InlineData(5, 6000, 2000, 3, 1200)]   // ScaleDownPerPodCMObject
    [InlineData(3, 8600, 2150, 4, 2867)]   // ScaleUpPerPodCMExternal
    [InlineData(3, 6100, 2000, 3, 2034)]   // within tolerance: status replicas
    public void Average_value_target(int statusReplicas, long usage, long targetPerPod, int expected, long expectedAverage)
    {
        var o = ReplicaCalculator.PerPodReplicas(statusReplicas, usage, targetPerPod, new Tolerances(0.1, 0.1), Fx.Now);
        Assert.Equal(expected, o.Replicas);
        Assert.Equal(expectedAverage, o.RawValue);
    }

    [Fact]
    public void Resource_average_value_target_uses_plain_averages()
    {
        // 3 pods at 500m/700m/900m cpu with a 500m average target: avg 700 → ratio 1.4 → ceil(4.2) = 5.
        var r = Fx.Calc(Fx.Pods(1000, 1000, 1000)).ResourceAverageValue(3, 500, "cpu", Fx.CpuUsage(500, 700, 900).GetResourceMetric("cpu", null));
        Assert.Equal(5, r.Value!.Replicas);
        Assert.Equal(700, r.Value.RawValue);
    }

    [Fact]
    public void External_metric_snapshot_sums_series()
    {
        var snap = new HpaMetricsSnapshot
        {
            External = new Dictionary<string, IReadOnlyList<ExternalMetricValue>>
            {
                ["queue"] = [new(Quantity.Parse("3"), Fx.Now), new(Quantity.Parse("500m"), Fx.Now)],
            },
        };
        var r = snap.GetExternalMetric("queue", null);
        Assert.Equal([3000L, 500L], r.Value!.Values);
    }
}
