namespace EdgeScaler.Simulation.Tests;

using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Simulation.Engine;
using EdgeScaler.Simulation.Scenarios;

/// <summary>The simulated cluster's override path: Core's rules on the scenario's HPAs, on the simulated clock.</summary>
public class SimulatedOverridesTests
{
    private static readonly Scenario Scenario = ScenarioLibrary.Default;
    private static readonly HpaRef Web = new("default", "web");
    private static readonly DateTimeOffset T0 = Scenario.Start;

    [Fact]
    public async Task Unknown_HPAs_are_refused_and_the_catalog_gives_the_scenario_bounds()
    {
        var overrides = new SimulatedOverrides(Scenario);
        Assert.True(overrides.TryGetBounds(Web, out var bounds));
        Assert.Equal((2, 16), (bounds.MinReplicas, bounds.MaxReplicas));
        Assert.False(overrides.TryGetBounds(new HpaRef("default", "nope"), out _));
        var r = await overrides.SubmitAsync(OverrideRequest.Pin(new HpaRef("default", "nope"), 3, null, false, OverrideSource.Mqtt, T0));
        Assert.False(r.Accepted);
        Assert.Equal("unknown HPA default/nope", r.Reason);
    }

    [Fact]
    public async Task A_pin_is_clamped_lasts_its_simulated_duration_and_a_release_ends_it()
    {
        var overrides = new SimulatedOverrides(Scenario);
        var seen = new List<(OverrideRequest, OverrideResult)>();
        overrides.Submitted += (q, r) => seen.Add((q, r));

        var pin = await overrides.SubmitAsync(OverrideRequest.Pin(Web, 40, TimeSpan.FromMinutes(30), false, OverrideSource.Panel, T0));
        Assert.True(pin.Accepted);
        Assert.Equal(16, pin.EffectiveReplicas);
        Assert.Equal(40, overrides.ActiveFor(Web, T0.AddMinutes(29))!.Replicas);
        Assert.Null(overrides.ActiveFor(Web, T0.AddMinutes(30)));

        await overrides.SubmitAsync(OverrideRequest.Pin(Web, 5, null, false, OverrideSource.Mqtt, T0.AddMinutes(31)));
        Assert.Equal(5, overrides.ActiveFor(Web, T0.AddHours(5))!.Replicas);
        var release = await overrides.SubmitAsync(OverrideRequest.Auto(Web, OverrideSource.Mqtt, T0.AddMinutes(32)));
        Assert.True(release.Accepted);
        Assert.Null(overrides.ActiveFor(Web, T0.AddMinutes(33)));
        Assert.Equal(3, seen.Count);
        Assert.Equal(3, overrides.Accepted);
    }

    [Fact]
    public async Task After_the_run_every_request_is_refused_with_the_reason()
    {
        var overrides = new SimulatedOverrides(Scenario);
        overrides.Close("the simulation has finished");
        var r = await overrides.SubmitAsync(OverrideRequest.Pin(Web, 4, null, false, OverrideSource.Mqtt, T0));
        Assert.Equal((false, "the simulation has finished"), (r.Accepted, r.Reason));
        Assert.Null(overrides.ActiveFor(Web, T0));
    }

    [Fact]
    public async Task A_pin_drives_the_simulated_replicas_through_the_real_pipeline_and_expires_back_to_the_HPA()
    {
        var scenario = Scenario with { Duration = TimeSpan.FromMinutes(20) };
        var sim = new Simulator(scenario, new RealScalerBridge(), new ProfileClassifier()) { Overrides = new SimulatedOverrides(scenario) };
        while (sim.Elapsed < TimeSpan.FromMinutes(2)) sim.Step();
        await sim.Overrides!.SubmitAsync(OverrideRequest.Pin(Web, 9, TimeSpan.FromMinutes(5), false, OverrideSource.Mqtt, sim.Now));
        var ticks = new List<TickRecord>();
        while (!sim.Finished) ticks.Add(sim.Step());

        var pinned = ticks.Where(t => t.Elapsed > TimeSpan.FromMinutes(2) && t.Elapsed < TimeSpan.FromMinutes(7)).ToList();
        Assert.All(pinned.SkipWhile(t => t.Workloads[0].Desired != 9), t => Assert.Equal(9, t.Workloads[0].Desired));
        Assert.Contains(pinned, t => t.Workloads[0].Desired == 9 && t.Workloads[0].Reason.StartsWith("override from mqtt pins 9 until", StringComparison.Ordinal));
        Assert.True(pinned.First(t => t.Workloads[0].Desired == 9).Elapsed <= TimeSpan.FromMinutes(2) + Simulator.HpaSyncPeriod);
        Assert.Contains(pinned, t => t.Leds.Single(l => l.Name == "amber").State == "on");
        // After expiry the HPA decides again: no override reason, and (demand is low before the spike) fewer replicas.
        var after = ticks.Last();
        Assert.DoesNotContain("override", after.Workloads[0].Reason);
        Assert.True(after.Workloads[0].Desired < 9, $"desired {after.Workloads[0].Desired}");
    }
}
