namespace EdgeScaler.Simulation.Tests;

using EdgeScaler.Core.Metrics;
using EdgeScaler.Simulation.Engine;
using EdgeScaler.Simulation.Scenarios;

/// <summary>The cluster model: serving, queueing, throttling's effect on utilization, placement, pod start-up.</summary>
public class EnginePhysicsTests
{
    private static Scenario Make(double ambient, double demand, int replicas, string cooling = "fan", string extraNode = "", string duration = "10m")
    {
        var json = $$"""
        {
          "name": "t", "duration": "{{duration}}", "seed": 1, "ambient": {{ambient}},
          "nodes": [ { "name": "pi", "count": 4, "board": "rpi4", "cooling": "{{cooling}}"{{extraNode}} } ],
          "workloads": [ {
            "name": "web", "cpuPerRequest": "20ms", "noise": 0, "replicas": {{replicas}},
            "pod": { "cpuRequest": "500m", "cpuLimit": "1", "idleCpu": "0m", "startup": "20s", "readiness": "10s" },
            "demand": {{demand}},
            "hpa": { "minReplicas": 1, "maxReplicas": 20 }
          } ]
        }
        """;
        return ScenarioParser.Parse(json, "t.json");
    }

    private static Simulator Sim(Scenario s, Func<TimeSpan, int?>? script = null) =>
        new(s, new ScriptedReplicas(script ?? (_ => null)), new FixedLimits());

    [Fact]
    public void Demand_within_capacity_is_served_fully_with_no_drops()
    {
        // 4 pods × (1 core / 20 ms) = 200 req/s capacity; 100 req/s demand.
        var ticks = Sim(Make(25, 100, 4)).RunToEnd();
        Assert.All(ticks, t => Assert.Equal(100, t.Workloads[0].Served, 6));
        Assert.All(ticks, t => Assert.Equal(0, t.Workloads[0].Dropped));
        // Each pod uses 25 req/s × 20 ms = 0.5 core.
        // Service time 20 ms at 50 % utilization: 20 / (1 − 0.5) = 40 ms.
        Assert.All(ticks, t => Assert.Equal(40, t.Workloads[0].LatencyMs, 6));
    }

    [Fact]
    public void Overload_is_served_at_capacity_and_the_rest_queues_then_drops()
    {
        // 2 pods → 100 req/s capacity; 160 req/s demand: 60 req/s pile up; after the 30 s queue fills, they are dropped.
        var ticks = Sim(Make(25, 160, 2)).RunToEnd();
        var last = ticks[^1].Workloads[0];
        Assert.Equal(100, last.Served, 6);
        Assert.Equal(60, last.Dropped, 6);
        Assert.True(last.LatencyMs > 25_000, $"a full 30 s queue should show as ~30 s latency, got {last.LatencyMs} ms");
        Assert.Equal(0, ticks[10].Workloads[0].Dropped); // not yet: still queueing
    }

    [Fact]
    public void A_throttled_cpu_shows_higher_utilization_for_the_same_work()
    {
        // Same demand; one cluster in a 70 °C cabinet (bare boards → well above 85 °C → 600 MHz), one at 20 °C with fans.
        var cool = Sim(Make(20, 60, 4));
        var hot = Sim(Make(70, 60, 4, cooling: "none"));
        cool.RunToEnd();
        hot.RunToEnd();
        Assert.All(hot.Cluster.Nodes, n => Assert.Equal(600, n.Clock.FrequencyMHz));
        Assert.All(cool.Cluster.Nodes, n => Assert.Equal(1500, n.Clock.FrequencyMHz));
        var coolCpu = ((IClusterMetrics)cool.Cluster).Pods().Sum(p => p.Total.CpuNanoCores);
        var hotCpu = ((IClusterMetrics)hot.Cluster).Pods().Sum(p => p.Total.CpuNanoCores);
        // 60 req/s × 20 ms = 1.2 cores at 1.5 GHz; at 600 MHz the same work needs 1.2 × 1500/600 = 3 cores.
        Assert.Equal(1.2e9, coolCpu, 1e7);
        Assert.Equal(3.0e9, hotCpu, 1e7);
    }

    [Fact]
    public void Temperature_rises_under_load_towards_the_models_steady_state()
    {
        var sim = Sim(Make(25, 180, 4, cooling: "fan", duration: "1h"));
        var start = sim.Cluster.Nodes[0].Celsius;
        sim.RunToEnd();
        var n = sim.Cluster.Nodes[0];
        // One pod per node: 45 req/s × 20 ms = 0.9 core + 0.15 system → 26 % busy → 3.67 W → 25 + 3.67 × 3.5 = 37.8 °C.
        Assert.True(n.Celsius > start + 2, $"{start} → {n.Celsius}");
        Assert.Equal(37.85, n.Celsius, 0.05);
        var expected = Thermal.ThermalModel.SteadyStateCelsius(25, n.PowerWatts, n.Spec.Heat);
        Assert.Equal(expected, n.Celsius, 0.5); // an hour is 24 time constants of the fan case
    }

    [Fact]
    public void Pods_are_spread_by_least_allocated_scoring()
    {
        var sim = Sim(Make(25, 10, 4));
        Assert.Equal(4, sim.Cluster.Nodes.Select(n => sim.Cluster.AllPods.Count(p => p.Node == n)).Count(c => c == 1));
        var eight = Sim(Make(25, 10, 8));
        Assert.All(eight.Cluster.Nodes, n => Assert.Equal(2, eight.Cluster.AllPods.Count(p => p.Node == n)));
    }

    [Fact]
    public void Pods_that_do_not_fit_stay_pending()
    {
        // Each Pi 4 has 4 − 0.15 = 3.85 cores allocatable: 7 pods of 500m fit, the 8th does not; 4 nodes → 28.
        var sim = Sim(Make(25, 10, 1), _ => 30);
        for (var i = 0; i < 60; i++) sim.Step();
        Assert.Equal(30, sim.Cluster.Workloads[0].Pods.Count);
        Assert.Equal(2, sim.Cluster.Workloads[0].Pods.Count(p => p.Phase == PodPhase.Pending));
    }

    [Fact]
    public void New_pods_get_traffic_only_after_startup_and_readiness()
    {
        var sim = Sim(Make(25, 10, 1), e => e >= TimeSpan.FromSeconds(15) ? 2 : null);
        var ticks = sim.RunToEnd();
        // Scaled to 2 at the 15 s sync; scheduled next tick (16 s), container at 16+20 = 36 s, ready at 46 s.
        Assert.Equal(1, ticks[44].Workloads[0].ReadyReplicas);
        Assert.Equal(2, ticks[44].Workloads[0].Replicas);
        Assert.Equal(2, ticks[45].Workloads[0].ReadyReplicas);
        var pod = sim.Cluster.Workloads[0].Pods.OrderBy(p => p.Created).Last();
        Assert.Equal(sim.Scenario.Start.AddSeconds(36), pod.StartedAt);
        Assert.Equal(sim.Scenario.Start.AddSeconds(46), pod.ReadyAt);
    }

    [Fact]
    public void Scaling_down_removes_pods_from_nodes_with_more_replicas_first()
    {
        var sim = Sim(Make(25, 10, 6), e => e >= TimeSpan.FromSeconds(15) ? 4 : null);
        var before = sim.Cluster.Nodes.ToDictionary(n => n, n => sim.Cluster.AllPods.Count(p => p.Node == n));
        Assert.Equal(new[] { 1, 1, 2, 2 }, before.Values.Order());
        for (var i = 0; i < 16; i++) sim.Step();
        var after = sim.Cluster.Nodes.ToDictionary(n => n, n => sim.Cluster.AllPods.Count(p => p.Node == n));
        Assert.Equal(4, after.Values.Sum());
        foreach (var (node, count) in before)
            if (count == 1) Assert.Equal(1, after[node]); // the two deleted pods came from the nodes running two
    }
}
