namespace EdgeScaler.Core.Tests.Hpa;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Units;

/// <summary>
/// Resource-utilization cases named after upstream's replica_calculator_test.go (our own tables, same numbers):
/// levels are cpu usage in millicores per pod (null = no sample), requests in millicores.
/// </summary>
public class ReplicaCalculatorResourceTests
{
    public sealed record Case(string Name, int Current, long?[] Levels, long[] Requests, int Target, int Expected, int ExpectedUtilization, long ExpectedRaw,
        bool[]? Ready = null, PodPhase[]? Phases = null, bool[]? Deleting = null, bool[]? HotCpu = null)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases() => new()
    {
        new("ScaleUp", 3, [300, 500, 700], [1000, 1000, 1000], 30, 5, 50, 500),
        new("ScaleUpUnreadyLessScale", 3, [300, 500, 700], [1000, 1000, 1000], 30, 4, 60, 600, Ready: [false, true, true]),
        new("ScaleUpHotCpuLessScale", 3, [300, 500, 700], [1000, 1000, 1000], 30, 4, 60, 600, HotCpu: [true, false, false]),
        new("ScaleUpUnreadyNoScale", 3, [400, 500, 700], [1000, 1000, 1000], 30, 3, 40, 400, Ready: [true, false, false]),
        new("ScaleUpHotCpuNoScale", 3, [400, 500, 700], [1000, 1000, 1000], 30, 3, 40, 400, HotCpu: [false, true, true]),
        new("ScaleUpIgnoresFailedPods", 2, [500, 700, 100, 100], [1000, 1000, 1000, 1000], 30, 4, 60, 600,
            Ready: [true, true, false, false], Phases: [PodPhase.Running, PodPhase.Running, PodPhase.Failed, PodPhase.Failed]),
        new("ScaleUpIgnoresDeletionPods", 2, [500, 700, 100, 100], [1000, 1000, 1000, 1000], 30, 4, 60, 600,
            Deleting: [false, false, true, true]),
        // Pending pods are unready (not ignored): filled with 0 they bring 60% back to 30% = target, so hold.
        new("ScaleUpPendingPodsCountAsUnready", 2, [500, 700, 100, 100], [1000, 1000, 1000, 1000], 30, 2, 60, 600,
            Phases: [PodPhase.Running, PodPhase.Running, PodPhase.Pending, PodPhase.Pending]),
        new("ScaleDown", 5, [100, 300, 500, 250, 250], [1000, 1000, 1000, 1000, 1000], 50, 3, 28, 280),
        new("ScaleDownIgnoresUnreadyPods", 5, [100, 300, 500, 250, 250], [1000, 1000, 1000, 1000, 1000], 50, 2, 30, 300,
            Ready: [true, true, true, false, false]),
        new("ScaleDownIgnoresDeletionPods", 5, [100, 300, 500, 250, 250, 250, 250], [1000, 1000, 1000, 1000, 1000, 1000, 1000], 50, 2, 30, 300,
            Ready: [true, true, true, false, false, true, true], Deleting: [false, false, false, false, false, true, true]),
        new("Tolerance", 3, [1010, 1030, 1020], [900, 1000, 1100], 100, 3, 102, 1020),
        new("ToleranceUpperBoundIsInclusive", 3, [1100, 1100, 1100], [1000, 1000, 1000], 100, 3, 110, 1100),
        new("ToleranceLowerBoundIsInclusive", 3, [900, 900, 900], [1000, 1000, 1000], 100, 3, 90, 900),
        new("JustOutsideTolerance", 3, [1110, 1110, 1110], [1000, 1000, 1000], 100, 4, 111, 1110),
        new("SuperfluousMetrics", 4, [4000, 9500, 3000, 7000, 3200, 2000], [1000, 1000, 1000, 1000], 100, 24, 587, 5875),
        new("MissingMetrics", 4, [400, 95, null, null], [1000, 1000, 1000, 1000], 100, 3, 24, 247),
        new("MissingMetricsNoChangeEq", 2, [1000, null], [1000, 1000], 100, 2, 100, 1000),
        new("MissingMetricsNoChangeGt", 2, [1900, null], [1000, 1000], 100, 2, 190, 1900),
        new("MissingMetricsNoChangeLt", 2, [600, null], [1000, 1000], 100, 2, 60, 600),
        new("MissingMetricsUnreadyChange", 3, [100, 450, null], [1000, 1000, 1000], 50, 3, 45, 450, Ready: [false, true, true]),
        new("MissingMetricsUnreadyScaleUp", 3, [100, 2000, null], [1000, 1000, 1000], 50, 4, 200, 2000, Ready: [false, true, true]),
        new("MissingMetricsUnreadyScaleDown", 4, [100, 100, 100, null], [1000, 1000, 1000, 1000], 50, 3, 10, 100, Ready: [false, true, true, true]),
        // Target above 100%: a missing pod on scale-down is filled at the target, not at 100% of its request.
        // ready p1,p2: 200/2000 = 10% of a 300% target; fill p3 with 1000*300/100 = 3000 → 3200/3000 = 106% → ceil(0.3533*3) = 2.
        new("MissingMetricsScaleDownTargetOver100", 4, [100, 100, 100, null], [1000, 1000, 1000, 1000], 300, 2, 10, 100, Ready: [false, true, true, true]),
        new("DuringRollingUpdateWithMaxSurge", 2, [100, 100, null], [1000, 1000, 1000], 50, 2, 10, 100),
        new("ScaleDownWithIntegerPercentTruncation", 3, [333, 333, 333], [1000, 1000, 1000], 50, 2, 33, 333),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resource_utilization_matches_upstream(Case c)
    {
        var pods = new List<PodInfo>();
        for (var i = 0; i < c.Levels.Length; i++)
        {
            if (i >= c.Requests.Length) break; // superfluous metrics: more samples than pods
            var hot = c.HotCpu?[i] ?? false;
            pods.Add(hot
                ? Fx.Pod($"p{i}", c.Requests[i], start: Fx.Now.AddMinutes(-1), readyTransition: Fx.Now.AddSeconds(-30))
                : Fx.Pod($"p{i}", c.Requests[i], phase: c.Phases?[i] ?? PodPhase.Running, ready: c.Ready?[i] ?? true, deleting: c.Deleting?[i] ?? false));
        }
        var metrics = Fx.CpuUsage(c.Levels);
        var r = Fx.Calc(pods).ResourceUtilization(c.Current, c.Target, "cpu", null, metrics.GetResourceMetric("cpu", null));
        Assert.True(r.Ok, r.Error);
        Assert.Equal(c.Expected, r.Value!.Replicas);
        Assert.Equal(c.ExpectedUtilization, r.Value.Utilization);
        Assert.Equal(c.ExpectedRaw, r.Value.RawValue);
    }

    [Fact]
    public void Empty_metrics_is_an_error()
    {
        var r = Fx.Calc(Fx.Pods(1000, 1000)).ResourceUtilization(2, 50, "cpu", null, new HpaMetricsSnapshot { PodMetrics = [] }.GetResourceMetric("cpu", null));
        Assert.False(r.Ok);
        Assert.Equal("unable to get metrics for resource cpu: no metrics returned from resource metrics API", r.Error);
    }

    [Fact]
    public void Missing_cpu_request_is_an_error_naming_container_and_pod()
    {
        var pods = Fx.Pods(1000, 1000);
        pods[1] = pods[1] with { Containers = [new ContainerRequests("app", ContainerRequests.None)] };
        var r = Fx.Calc(pods).ResourceUtilization(2, 50, "cpu", null, Fx.CpuUsage(500, 500).GetResourceMetric("cpu", null));
        Assert.Equal("missing request for cpu in container app of Pod p1", r.Error);
    }

    [Fact]
    public void No_pods_is_an_error()
    {
        var r = Fx.Calc([]).ResourceUtilization(2, 50, "cpu", null, Fx.CpuUsage(500).GetResourceMetric("cpu", null));
        Assert.Equal("no pods returned by selector while calculating replica count", r.Error);
    }

    [Fact]
    public void All_pods_unready_is_an_error()
    {
        var pods = new List<PodInfo> { Fx.Pod("p0", ready: false), Fx.Pod("p1", ready: false) };
        var r = Fx.Calc(pods).ResourceUtilization(2, 50, "cpu", null, Fx.CpuUsage(500, 500).GetResourceMetric("cpu", null));
        Assert.Equal("did not receive metrics for targeted pods (pods might be unready)", r.Error);
    }

    [Fact]
    public void Zero_requests_is_an_error()
    {
        var r = Fx.Calc(Fx.Pods(0, 0)).ResourceUtilization(2, 50, "cpu", null, Fx.CpuUsage(500, 500).GetResourceMetric("cpu", null));
        Assert.Equal("no metrics returned matched known pods", r.Error);
    }

    [Fact]
    public void Sidecar_init_containers_add_their_requests_and_container_metrics_use_one_container()
    {
        var sidecar = new ContainerRequests("proxy", new Dictionary<string, Quantity> { ["cpu"] = Quantity.Parse("500m") }, IsSidecar: true);
        var pods = Fx.Pods(500, 500).Select(p => p with { Containers = [.. p.Containers, sidecar] }).ToList();
        var metrics = new HpaMetricsSnapshot
        {
            PodMetrics = pods.Select(p => new PodUsageSample(p.Name, Fx.Now, TimeSpan.FromMinutes(1),
                [new ContainerUsageSample("app", Quantity.Parse("400m"), null), new ContainerUsageSample("proxy", Quantity.Parse("100m"), null)])).ToList(),
        };
        // Pod request 1000m, usage 500m → 50% of a 50% target: hold.
        var whole = Fx.Calc(pods).ResourceUtilization(2, 50, "cpu", null, metrics.GetResourceMetric("cpu", null));
        Assert.Equal(50, whole.Value!.Utilization);
        Assert.Equal(2, whole.Value.Replicas);
        // Container "app": 400m of 500m = 80% of 50% → ratio 1.6 → ceil(3.2) = 4.
        var app = Fx.Calc(pods).ResourceUtilization(2, 50, "cpu", "app", metrics.GetResourceMetric("cpu", "app"));
        Assert.Equal(80, app.Value!.Utilization);
        Assert.Equal(4, app.Value.Replicas);
        // Unknown container.
        var none = Fx.Calc(pods).ResourceUtilization(2, 50, "cpu", "nope", metrics.GetResourceMetric("cpu", "nope"));
        Assert.False(none.Ok);
    }

    [Theory]
    // start, readyStatus, transition offset from start, metric timestamp offset from now → unready?
    [InlineData(-60, true, 10, 0, false)]        // initialized long ago, ready
    [InlineData(-60, false, 10, 0, true)]        // never became ready within 30s
    [InlineData(-60, false, 40, 0, false)]       // became unready later: still counts (upstream's "ever ready" rule)
    [InlineData(-60, false, 30, 0, false)]       // start+30s is not after the transition: counts as ready
    [InlineData(-2, true, 10, 0, false)]         // initializing, ready and a full window since the transition
    [InlineData(-2, false, 10, 0, true)]         // initializing and not ready
    [InlineData(-2, true, 100, 0, true)]         // initializing: sample is less than a window after becoming ready
    public void Cpu_readiness_rules(int startMinutes, bool ready, int transitionSecondsAfterStart, int metricOffsetSeconds, bool unready)
    {
        var start = Fx.Now.AddMinutes(startMinutes);
        var pod = Fx.Pod("p0", start: start, ready: ready, readyTransition: start.AddSeconds(transitionSecondsAfterStart));
        var metrics = new Dictionary<string, PodMetric> { ["p0"] = new(500, Fx.Now.AddSeconds(metricOffsetSeconds), TimeSpan.FromMinutes(1)) };
        var g = PodGrouping.Group([pod], metrics, "cpu", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), Fx.Now);
        Assert.Equal(unready ? 1 : 0, g.Unready.Count);
        // Other resources never apply the cpu readiness rules.
        var m = PodGrouping.Group([pod], metrics, "memory", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), Fx.Now);
        Assert.Empty(m.Unready);
    }

    [Fact]
    public void Pod_without_ready_condition_or_start_time_is_unready_for_cpu()
    {
        var metrics = new Dictionary<string, PodMetric> { ["a"] = new(1, Fx.Now, TimeSpan.FromMinutes(1)), ["b"] = new(1, Fx.Now, TimeSpan.FromMinutes(1)) };
        var a = Fx.Pod("a") with { Ready = null };
        var b = Fx.Pod("b") with { StartTime = null };
        var g = PodGrouping.Group([a, b], metrics, "cpu", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), Fx.Now);
        Assert.Equal(["a", "b"], g.Unready);
    }

    [Fact]
    public void Per_hpa_tolerance_is_asymmetric()
    {
        // 130% of target: outside 0.1 but inside a 0.5 scale-up tolerance.
        var pods = Fx.Pods(1000, 1000);
        var fetched = Fx.CpuUsage(1300, 1300).GetResourceMetric("cpu", null);
        Assert.Equal(3, Fx.Calc(pods).ResourceUtilization(2, 100, "cpu", null, fetched).Value!.Replicas);
        var wide = new ReplicaCalculator(pods, new Tolerances(0.1, 0.5), HpaSettings.Default, Fx.Now);
        Assert.Equal(2, wide.ResourceUtilization(2, 100, "cpu", null, fetched).Value!.Replicas);
        // Zero tolerance: even 101% scales.
        var zero = new ReplicaCalculator(pods, new Tolerances(0, 0), HpaSettings.Default, Fx.Now);
        Assert.Equal(3, zero.ResourceUtilization(2, 100, "cpu", null, Fx.CpuUsage(1010, 1010).GetResourceMetric("cpu", null)).Value!.Replicas);
    }
}
