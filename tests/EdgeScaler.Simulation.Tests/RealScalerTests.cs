namespace EdgeScaler.Simulation.Tests;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Simulation.Engine;
using EdgeScaler.Simulation.Output;
using EdgeScaler.Simulation.Scenarios;

/// <summary>
/// The simulation has no autoscaling math of its own: every decision comes from EdgeScaler.Core's HPA reconcile
/// (and thermal policy). These tests check that by recomputing decisions with the real code and by looking for
/// upstream behaviour only the real algorithm has.
/// </summary>
public class RealScalerTests
{
    [Fact]
    public void Every_decision_is_what_the_real_HpaReconciler_returns_for_the_same_inputs()
    {
        var scenario = ScenarioLibrary.Default.WithPolicy(ThermalPolicyName.Ignore) with { Duration = TimeSpan.FromMinutes(45) };
        var checker = new CheckingBridge(new RealScalerBridge());
        var sim = new Simulator(scenario, checker, new ProfileClassifier());
        var ticks = sim.RunToEnd();
        Assert.Equal(45 * 60 / 15, checker.Checked);
        Assert.True(ticks.Select(t => t.Workloads[0].Desired).Distinct().Count() > 2, "the spike should make the HPA move");
    }

    /// <summary>Recomputes each decision by calling HpaReconciler directly with its own copy of the history.</summary>
    private sealed class CheckingBridge(RealScalerBridge inner) : IScalerBridge
    {
        private HpaHistory _history = HpaHistory.Empty;
        public int Checked { get; private set; }

        public EdgeScaler.Core.Scaling.ScaleDecision Reconcile(SimWorkload w, SimulatedCluster cluster, DateTimeOffset now)
        {
            var expected = HpaReconciler.Reconcile(new HpaInput(HpaInputBuilder.Hpa(w), HpaInputBuilder.Scale(w), HpaInputBuilder.Pods(w),
                HpaInputBuilder.Metrics(w, cluster), _history, now) { SelectingHpas = [w.Hpa] });
            _history = expected.HistoryAfter;
            var decision = inner.Reconcile(w, cluster, now);
            Assert.Equal(expected.DesiredReplicas, decision.DesiredReplicas);
            Assert.Equal(expected.CurrentReplicas, decision.CurrentReplicas);
            Checked++;
            return decision;
        }
    }

    [Fact]
    public void The_legacy_scale_up_limit_and_downscale_stabilization_of_upstream_show_in_the_timeline()
    {
        // Default scenario, plain HPA: the spike starts at 30 min and lasts 40 min.
        var run = SimulationRun.Run(ScenarioLibrary.Default.WithPolicy(ThermalPolicyName.Ignore), RealParts.Create(), "ignore");
        var desired = run.Ticks.Select(t => t.Workloads[0].Desired).ToList();
        // Without behavior, a scale-up is at most max(2 × current, 4) per sync (calculateScaleUpLimit).
        for (var i = 1; i < desired.Count; i++)
            Assert.True(desired[i] <= Math.Max(2 * desired[i - 1], 4), $"at {i}s: {desired[i - 1]} → {desired[i]}");
        var peak = desired.Max();
        Assert.True(peak > 4, $"the spike should need more than 4 pods, got {peak}");
        Assert.Contains(run.Ticks, t => t.Workloads[0].Reason == "cpu resource utilization (percentage of request) above target");
        // After the spike (ends at 70 min) the 5-minute downscale stabilization keeps the peak for 5 minutes.
        var end = (int)TimeSpan.FromMinutes(70).TotalSeconds;
        Assert.All(desired.Skip(end).Take(290), d => Assert.Equal(desired[end - 1], d));
        Assert.True(desired[end + 330] < desired[end - 1], "scaled down after the window");
    }

    [Fact]
    public void Same_scenario_and_seed_give_the_same_timeline_bytes_and_another_seed_does_not()
    {
        var s = ScenarioLibrary.Default with { Duration = TimeSpan.FromMinutes(50) };
        string Csv(Scenario sc)
        {
            var w = new StringWriter();
            TimelineCsvWriter.Write(SimulationRun.Run(sc, RealParts.Create(), "hold"), w);
            return w.ToString();
        }
        var a = Csv(s);
        var b = Csv(s);
        Assert.Equal(a, b);
        var c = Csv(s with { Seed = s.Seed + 1 });
        Assert.NotEqual(a, c);
        Assert.Equal(a.Split('\n')[0], c.Split('\n')[0]); // same columns
    }
}
