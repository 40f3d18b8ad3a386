namespace EdgeScaler.Core.Tests.Hpa;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Units;

public class HpaReconcilerTests
{
    private static HpaCondition Cond(HpaResult r, string type) => Assert.Single(r.Conditions, c => c.Type == type);

    private static MetricSpec Cpu(int percent) => MetricSpec.ResourceUtilization("cpu", percent);

    [Fact]
    public void Scale_up_on_cpu_with_legacy_limits_and_upstream_conditions()
    {
        var r = HpaReconciler.Reconcile(Fx.Input(Fx.Spec(1, 10, null, Cpu(30)), 3, Fx.Pods(1000, 1000, 1000), Fx.CpuUsage(300, 500, 700)));
        Assert.Equal(5, r.RecommendedReplicas);
        Assert.Equal(5, r.StabilizedReplicas);
        Assert.Equal(5, r.DesiredReplicas);
        Assert.Equal("cpu resource utilization (percentage of request) above target", r.RescaleReason);
        Assert.Equal(["AbleToScale", "ScalingActive", "ScalingLimited"], r.Conditions.Select(c => c.Type));
        Assert.Equal("ReadyForNewScale", Cond(r, "AbleToScale").Reason);
        var active = Cond(r, "ScalingActive");
        Assert.Equal(ConditionStatus.True, active.Status);
        Assert.Equal("the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)", active.Message);
        Assert.Equal(ConditionStatus.False, Cond(r, "ScalingLimited").Status);
        var m = Assert.Single(r.Metrics);
        Assert.Equal(50, m.CurrentAverageUtilization);
        Assert.Equal("500m", m.CurrentAverageValue.ToString());
        Assert.Contains(r.Events, e => e.Reason == "SuccessfulRescale" && e.Message == "New size: 5; reason: cpu resource utilization (percentage of request) above target");
        // history: seeded with current, then the new recommendation appended
        Assert.Equal([new(3, Fx.Now), new(5, Fx.Now)], r.HistoryAfter.Recommendations);
    }

    [Fact]
    public void Target_at_zero_replicas_disables_scaling()
    {
        var r = HpaReconciler.Reconcile(Fx.Input(Fx.Spec(1, 10, null, Cpu(50)), 0, [], new HpaMetricsSnapshot()));
        Assert.Equal(0, r.DesiredReplicas);
        Assert.Null(r.RecommendedReplicas);
        var c = Cond(r, "ScalingActive");
        Assert.Equal(("ScalingDisabled", ConditionStatus.False), (c.Reason, c.Status));
        Assert.Equal("scaling is disabled since the replica count of the target is zero", c.Message);
        Assert.False(r.IsRescale);
    }

    [Theory]
    [InlineData(12, 10, "Current number of replicas above Spec.MaxReplicas")]
    [InlineData(1, 2, "Current number of replicas below Spec.MinReplicas")]
    public void Out_of_range_shortcuts_skip_metrics(int current, int expected, string reason)
    {
        var r = HpaReconciler.Reconcile(Fx.Input(Fx.Spec(2, 10, null, Cpu(50)), current, [], new HpaMetricsSnapshot()));
        Assert.Equal(expected, r.DesiredReplicas);
        Assert.Null(r.RecommendedReplicas);
        Assert.Null(r.StabilizedReplicas);
        Assert.Empty(r.Metrics);
        Assert.Equal(reason, r.RescaleReason);
    }

    [Fact]
    public void Missing_selector_and_bad_selector_are_invalid_selector()
    {
        var input = Fx.Input(Fx.Spec(1, 10, null, Cpu(50)), 3, Fx.Pods(1000), Fx.CpuUsage(100));
        var empty = HpaReconciler.Reconcile(input with { Scale = input.Scale with { Selector = "" } });
        Assert.Equal("InvalidSelector", Cond(empty, "ScalingActive").Reason);
        Assert.Equal("the HPA target's scale is missing a selector", Cond(empty, "ScalingActive").Message);
        Assert.Equal(3, empty.DesiredReplicas);
        var bad = HpaReconciler.Reconcile(input with { Scale = input.Scale with { Selector = "app in (a" } });
        Assert.Equal("InvalidSelector", Cond(bad, "ScalingActive").Reason);
        Assert.StartsWith("couldn't convert selector into a corresponding internal selector object: ", bad.Error);
        var ambiguous = HpaReconciler.Reconcile(input with { SelectingHpas = [new("default", "web"), new("default", "other")] });
        Assert.Equal("AmbiguousSelector", Cond(ambiguous, "ScalingActive").Reason);
        Assert.Equal("pods by selector app=web are controlled by multiple HPAs: [{web default} {other default}]", ambiguous.Error);
    }

    [Fact]
    public void No_scale_down_when_one_metric_is_invalid()
    {
        // TestNoScaleDownOneMetricInvalid: cpu wants 3 → 2 but the second metric has an unknown type.
        var bogus = new MetricSpec(MetricSourceType.Unknown, new MetricTarget(MetricTargetType.Value), TypeName: "CheddarCheese");
        var r = HpaReconciler.Reconcile(Fx.Input(Fx.Spec(1, 10, null, Cpu(50), bogus), 3, Fx.Pods(1000, 1000, 1000), Fx.CpuUsage(100, 100, 100)));
        Assert.Equal(3, r.DesiredReplicas);
        Assert.Null(r.RecommendedReplicas);
        var c = Cond(r, "ScalingActive");
        Assert.Equal(("InvalidMetricSourceType", ConditionStatus.False), (c.Reason, c.Status));
        Assert.Equal("the HPA was unable to compute the replica count: unknown metric source type \"CheddarCheese\"", c.Message);
        Assert.Equal("invalid metrics (1 invalid out of 2), first error is: unknown metric source type \"CheddarCheese\"", r.Error);
        Assert.Contains(r.Events, e => e.Reason == "FailedComputeMetricsReplicas");
        Assert.Equal(1, r.Metrics[0].Proposal);   // 10% of a 50% target: ceil(0.2*3)
    }

    [Fact]
    public void No_scale_down_when_one_metric_is_empty()
    {
        // TestNoScaleDownOneMetricEmpty: an External metric with no data.
        var ext = MetricSpec.ExternalValue("qps", Quantity.Parse("100"));
        var r = HpaReconciler.Reconcile(Fx.Input(Fx.Spec(1, 10, null, Cpu(50), ext), 3, Fx.Pods(1000, 1000, 1000), Fx.CpuUsage(100, 100, 100)));
        Assert.Equal(3, r.DesiredReplicas);
        Assert.Equal("FailedGetExternalMetric", Cond(r, "ScalingActive").Reason);
        Assert.StartsWith("invalid metrics (1 invalid out of 2), first error is: failed to get qps external metric: failed to get external metric qps: unable to get external metric default/qps/nil: ", r.Error);
    }

    [Fact]
    public void Scale_up_proceeds_when_one_metric_is_invalid()
    {
        // TestScaleUpOneMetricInvalid / Empty: the valid metric wants more, so scale, but report the error.
        var bogus = new MetricSpec(MetricSourceType.Unknown, new MetricTarget(MetricTargetType.Value), TypeName: "CheddarCheese");
        var r = HpaReconciler.Reconcile(Fx.Input(Fx.Spec(1, 10, null, Cpu(30), bogus), 3, Fx.Pods(1000, 1000, 1000), Fx.CpuUsage(300, 500, 700)));
        Assert.Equal(5, r.DesiredReplicas);
        Assert.Equal("ValidMetricFound", Cond(r, "ScalingActive").Reason);
        Assert.NotNull(r.Error);
    }

    [Fact]
    public void All_metrics_failing_reports_the_first_failure_with_upstream_wording()
    {
        var r = HpaReconciler.Reconcile(Fx.Input(Fx.Spec(1, 10, null, Cpu(50)), 3, Fx.Pods(1000), new HpaMetricsSnapshot { PodMetricsError = "the server could not find the requested resource (get pods.metrics.k8s.io)" }));
        var c = Cond(r, "ScalingActive");
        Assert.Equal("FailedGetResourceMetric", c.Reason);
        Assert.Equal("the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)", c.Message);
        Assert.Equal("invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)", r.Error);
        Assert.Contains(r.Events, e => e.Type == "Warning" && e.Reason == "FailedGetResourceMetric");
    }

    [Fact]
    public void Max_of_metrics_wins_and_names_the_first_maximum()
    {
        var spec = Fx.Spec(1, 20, null, Cpu(50), MetricSpec.Pods("qps", Quantity.Parse("10")), MetricSpec.Pods("qps2", Quantity.Parse("10")));
        var metrics = new HpaMetricsSnapshot
        {
            PodMetrics = Fx.CpuUsage(500, 500).PodMetrics,
            Custom = new Dictionary<string, IReadOnlyList<CustomMetricValue>>
            {
                ["qps"] = [new("Pod", "p0", Quantity.Parse("30"), Fx.Now), new("Pod", "p1", Quantity.Parse("30"), Fx.Now)],
                ["qps2"] = [new("Pod", "p0", Quantity.Parse("30"), Fx.Now), new("Pod", "p1", Quantity.Parse("30"), Fx.Now)],
            },
        };
        var r = HpaReconciler.Reconcile(Fx.Input(spec, 2, Fx.Pods(1000, 1000), metrics));
        Assert.Equal([2, 6, 6], r.Metrics.Select(m => m.Proposal!.Value));
        Assert.Equal(6, r.RecommendedReplicas);
        Assert.Equal("pods metric qps above target", r.RescaleReason);
    }

    [Fact]
    public void Scale_from_zero_with_an_external_metric()
    {
        var spec = Fx.Spec(0, 10, null, MetricSpec.ExternalValue("queue", Quantity.Parse("10")));
        var metrics = new HpaMetricsSnapshot
        {
            External = new Dictionary<string, IReadOnlyList<ExternalMetricValue>> { ["queue"] = [new(Quantity.Parse("25"), Fx.Now)] },
        };
        var r = HpaReconciler.Reconcile(Fx.Input(spec, 0, [], metrics));
        Assert.Equal(3, r.RecommendedReplicas);
        Assert.Equal(3, r.DesiredReplicas);
        Assert.Equal("25", r.Metrics[0].CurrentValue.ToString());
        // ... and back to zero when the queue is empty (after the window)
        var empty = new HpaMetricsSnapshot { External = new Dictionary<string, IReadOnlyList<ExternalMetricValue>> { ["queue"] = [new(Quantity.Zero, Fx.Now)] } };
        var down = HpaReconciler.Reconcile(Fx.Input(spec, 3, Fx.Pods(1, 1, 1), empty, r.HistoryAfter, now: Fx.Now.AddMinutes(10)));
        Assert.Equal(0, down.DesiredReplicas);
        Assert.Equal("All metrics below target", down.RescaleReason);
    }

    [Fact]
    public void Object_metrics_report_value_and_average_with_upstream_names()
    {
        var svc = new ObjectReference("Service", "front", "v1");
        var spec = Fx.Spec(1, 10, null, MetricSpec.ObjectValue("rps", svc, Quantity.Parse("15")), MetricSpec.ObjectAverageValue("rps", svc, Quantity.Parse("5")));
        var metrics = new HpaMetricsSnapshot
        {
            Custom = new Dictionary<string, IReadOnlyList<CustomMetricValue>> { ["rps"] = [new("Service", "front", Quantity.Parse("20"), Fx.Now)] },
        };
        var r = HpaReconciler.Reconcile(Fx.Input(spec, 3, Fx.Pods(1, 1, 1), metrics));
        Assert.Equal("Service metric rps", r.Metrics[0].Name);
        Assert.Equal("20", r.Metrics[0].CurrentValue.ToString());
        Assert.Equal(4, r.Metrics[0].Proposal);
        Assert.Equal("external metric rps(nil)", r.Metrics[1].Name);
        Assert.Equal("6667m", r.Metrics[1].CurrentAverageValue.ToString());
        Assert.Equal(4, r.Metrics[1].Proposal);
    }

    [Fact]
    public void Object_metric_failure_keeps_upstreams_argument_order()
    {
        var svc = new ObjectReference("Service", "front", "v1");
        var r = HpaReconciler.Reconcile(Fx.Input(Fx.Spec(1, 10, null, MetricSpec.ObjectValue("rps", svc, Quantity.Parse("15"))), 3, Fx.Pods(1, 1, 1),
            new HpaMetricsSnapshot { Errors = new Dictionary<string, string> { ["rps"] = "boom" } }));
        Assert.Equal("the HPA was unable to compute the replica count: unable to get metric rps: Service on default front/boom", Cond(r, "ScalingActive").Message);
        Assert.Equal("FailedGetObjectMetric", Cond(r, "ScalingActive").Reason);
    }

    [Fact]
    public void No_metrics_means_cpu_at_80_percent()
    {
        var r = HpaReconciler.Reconcile(Fx.Input(Fx.Spec(null, 10, null), 2, Fx.Pods(1000, 1000), Fx.CpuUsage(1600, 1600)));
        Assert.Equal(4, r.RecommendedReplicas);   // 160% / 80% = 2 → 4
        Assert.Equal(MetricSourceType.Resource, r.Metrics[0].Spec.Type);
    }

    [Fact]
    public void Behavior_scale_down_through_the_five_minute_window()
    {
        var spec = Fx.Spec(1, 10, new HpaBehavior(null, null), Cpu(50));
        var pods = Fx.Pods(1000, 1000, 1000, 1000);
        var history = HpaHistory.Empty;
        var current = 4;
        var t = Fx.Now;
        // Load drops to 10%: the recommendation is 1, but for 5 minutes the seeded 4 holds.
        for (var step = 0; step <= 20; step++)
        {
            var r = HpaReconciler.Reconcile(Fx.Input(spec, current, pods.Take(current).ToList(), Fx.CpuUsage(100, 100, 100, 100), history, t));
            // strictly newer than now-5m counts: at exactly 5 minutes the seeded 4 has left the window
            if (t - Fx.Now < TimeSpan.FromMinutes(5)) Assert.Equal(4, r.DesiredReplicas);
            else Assert.Equal(1, r.DesiredReplicas);
            history = r.HistoryAfter;
            current = r.DesiredReplicas;
            t = t.AddSeconds(15);
        }
        Assert.Equal(1, current);
    }

    [Fact]
    public void Events_history_is_recorded_only_with_behavior()
    {
        var legacy = HpaReconciler.Reconcile(Fx.Input(Fx.Spec(1, 10, null, Cpu(30)), 3, Fx.Pods(1000, 1000, 1000), Fx.CpuUsage(300, 500, 700)));
        Assert.Empty(legacy.HistoryAfter.ScaleUpEvents);
        var withBehavior = HpaReconciler.Reconcile(Fx.Input(Fx.Spec(1, 10, new HpaBehavior(null, null), Cpu(30)), 3, Fx.Pods(1000, 1000, 1000), Fx.CpuUsage(300, 500, 700)));
        Assert.Equal([new ScaleEvent(2, Fx.Now)], withBehavior.HistoryAfter.ScaleUpEvents);
    }

    [Fact]
    public void Property_desired_is_always_within_min_and_max()
    {
        var rng = new Random(1234);
        for (var i = 0; i < 3000; i++)
        {
            var min = rng.Next(0, 4);
            var max = min + rng.Next(1, 15);
            var podCount = rng.Next(1, 12);
            var current = rng.Next(min == 0 ? 1 : min, max + 1);
            var pods = Enumerable.Range(0, podCount).Select(p => Fx.Pod($"p{p}", rng.Next(1, 4) * 250,
                phase: rng.Next(10) == 0 ? PodPhase.Pending : PodPhase.Running, ready: rng.Next(6) != 0, deleting: rng.Next(15) == 0)).ToList();
            var usage = Enumerable.Range(0, podCount).Select(_ => rng.Next(5) == 0 ? (long?)null : rng.Next(0, 5000)).ToArray();
            HpaBehavior? behavior = rng.Next(2) == 0 ? null : new HpaBehavior(
                new ScalingRules(rng.Next(0, 120), (SelectPolicy)rng.Next(3), [new(ScalingPolicyType.Pods, rng.Next(1, 5), rng.Next(1, 60)), new(ScalingPolicyType.Percent, rng.Next(1, 300), rng.Next(1, 60))]),
                new ScalingRules(rng.Next(0, 600), (SelectPolicy)rng.Next(3), [new(ScalingPolicyType.Percent, rng.Next(1, 100), rng.Next(1, 120))]));
            var history = new HpaHistory(
                Enumerable.Range(0, rng.Next(0, 6)).Select(_ => new TimestampedRecommendation(rng.Next(0, 30), Fx.Now.AddSeconds(-rng.Next(0, 900)))).ToList(),
                Enumerable.Range(0, rng.Next(0, 3)).Select(_ => new ScaleEvent(rng.Next(1, 5), Fx.Now.AddSeconds(-rng.Next(0, 120)))).ToList(),
                Enumerable.Range(0, rng.Next(0, 3)).Select(_ => new ScaleEvent(rng.Next(1, 5), Fx.Now.AddSeconds(-rng.Next(0, 120)))).ToList());
            var r = HpaReconciler.Reconcile(Fx.Input(Fx.Spec(min, max, behavior, Cpu(rng.Next(10, 150))), current, pods, Fx.CpuUsage(usage), history));
            Assert.InRange(r.DesiredReplicas, min, max);
            Assert.Equal(3, r.Conditions.Count(c => c.Type is "AbleToScale" or "ScalingActive" or "ScalingLimited") + (r.RecommendedReplicas is null ? 1 : 0));
        }
    }
}
