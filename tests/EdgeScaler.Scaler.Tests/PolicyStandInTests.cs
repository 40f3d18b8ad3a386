namespace EdgeScaler.Scaler.Tests;

using System.Text.Json.Nodes;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Kubernetes.Overrides;
using EdgeScaler.TestKit;

/// <summary>Thermal policy and overrides through the whole controller, against the stand-in.</summary>
public sealed class PolicyStandInTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgescaler-scaler-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class SettableThermal : IClusterThermal
    {
        public Dictionary<string, ThermalState> States { get; } = [];
        public IReadOnlyDictionary<string, ThermalState> NodeStates() => States;
    }

    [Fact]
    public async Task StandIn_ThermalHold_BlocksScaleUpWhileHot_AndReleasesWhenCool()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedScaledApp("web", 2, cpuMilli: 200, node: "pi-1");
        var thermal = new SettableThermal();
        thermal.States["pi-1"] = ThermalState.Hot;
        var agent = await h.StartAgentAsync("node-a", thermal);

        await agent.PassAsync();
        Assert.Equal(2, h.Replicas("web")); // the HPA wants 4; the hot board gets no more pods
        var decision = Assert.Single(agent.Controller.Decisions);
        Assert.Equal((ScaleMode.ThermalHold, 4, 2), (decision.Mode, decision.RecommendedReplicas, decision.DesiredReplicas));
        Assert.Contains("hold: pi-1 hot", decision.Reason);
        Assert.Equal(2, h.Hpa("web").Status.DesiredReplicas);

        thermal.States["pi-1"] = ThermalState.Cool;
        h.Clock.Advance(TimeSpan.FromSeconds(15));
        h.SetUsage("web", 2, cpuMilli: 200, node: "pi-1");
        await agent.PassAsync();
        Assert.Equal(4, h.Replicas("web"));
    }

    [Fact]
    public async Task StandIn_OverrideRoundTrip_PinsThenAutoReturnsToTheHpasAnswer()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedScaledApp("web", 2, cpuMilli: 50); // at target: the HPA keeps 2
        var agent = await h.StartAgentAsync("node-a", new SettableThermal());
        var journal = Journal(h, Path.Combine(_dir, "overrides.json"));
        var sink = Sink(h, agent, journal);
        var hpa = new HpaRef("default", "web");

        var pinned = await sink.SubmitAsync(OverrideRequest.Pin(hpa, 6, TimeSpan.FromMinutes(30), false, OverrideSource.Panel, h.Clock.GetUtcNow()));
        Assert.True(pinned.Accepted, pinned.Reason);
        Assert.Equal("6", h.Hpa("web").Metadata.Annotations[OverrideAnnotations.Replicas]);
        Assert.Equal("panel", h.Hpa("web").Metadata.Annotations[OverrideAnnotations.Source]);
        Assert.Empty(journal.Pending());

        await agent.PassAsync();
        Assert.Equal(6, h.Replicas("web"));
        Assert.Equal(ScaleMode.Override, Assert.Single(agent.Controller.Decisions).Mode);

        // Beyond maxReplicas without force: clamped.
        h.Clock.Advance(TimeSpan.FromSeconds(15));
        var clamped = await sink.SubmitAsync(OverrideRequest.Pin(hpa, 50, null, false, OverrideSource.Mqtt, h.Clock.GetUtcNow()));
        Assert.Equal(10, clamped.EffectiveReplicas);
        await agent.PassAsync();
        Assert.Equal(10, h.Replicas("web"));

        // Release: the HPA's own answer (scale down, through its window) comes back.
        h.Clock.Advance(TimeSpan.FromSeconds(15));
        var released = await sink.SubmitAsync(OverrideRequest.Auto(hpa, OverrideSource.Cli, h.Clock.GetUtcNow()));
        Assert.True(released.Accepted);
        Assert.False(h.Hpa("web").Metadata.Annotations?.ContainsKey(OverrideAnnotations.Replicas) ?? false);
        await agent.PassAsync();
        Assert.Equal(ScaleMode.Auto, Assert.Single(agent.Controller.Decisions).Mode);
    }

    [Fact]
    public async Task StandIn_OverrideWhileApiDown_IsJournaledAndWrittenWhenItComesBack()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedDeployment("web", 2);
        h.SeedHpa("web", 1, 10, cpuPercent: 50);
        var agent = await h.StartAgentAsync("node-a");
        var path = Path.Combine(_dir, "overrides.json");
        var sink = Sink(h, agent, Journal(h, path));

        await h.Api.GoAwayAsync();
        var queued = await sink.SubmitAsync(OverrideRequest.Pin(new HpaRef("default", "web"), 3, null, false, OverrideSource.Panel, h.Clock.GetUtcNow()));
        Assert.True(queued.Accepted);
        Assert.StartsWith("queued", queued.Reason);

        // The agent restarts meanwhile: the journal on disk still has it.
        var restarted = Sink(h, agent, Journal(h, path));
        Assert.Equal(0, await restarted.FlushAsync(default)); // still down
        await h.Api.ComeBackAsync();
        Assert.Equal(1, await restarted.FlushAsync(default));
        Assert.Equal("3", h.Hpa("web").Metadata.Annotations[OverrideAnnotations.Replicas]);
        Assert.Empty(Journal(h, path).Pending());
    }

    [Fact]
    public async Task StandIn_JournaledOverrideOlderThanTheHpas_IsDropped_HpaWins()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedDeployment("web", 2);
        h.SeedHpa("web", 1, 10, cpuPercent: 50);
        var agent = await h.StartAgentAsync("node-a");
        var sink = Sink(h, agent, Journal(h, Path.Combine(_dir, "o.json")));
        var t0 = h.Clock.GetUtcNow();
        await h.Api.GoAwayAsync();
        await sink.SubmitAsync(OverrideRequest.Pin(new HpaRef("default", "web"), 3, null, false, OverrideSource.Panel, t0));
        await h.Api.ComeBackAsync();
        // Meanwhile someone else set a newer override through another agent.
        h.Api.Mutate("autoscaling/v2", "horizontalpodautoscalers", "default", "web", o => o["metadata"]!["annotations"] = new JsonObject
        {
            [OverrideAnnotations.Replicas] = "7",
            [OverrideAnnotations.Source] = "cli",
            [OverrideAnnotations.SetAt] = OverrideAnnotations.FormatTime(t0.AddMinutes(1)),
        });
        Assert.Equal(1, await sink.FlushAsync(default));
        Assert.Equal("7", h.Hpa("web").Metadata.Annotations[OverrideAnnotations.Replicas]);
        Assert.Single(h.Logs.LinesContaining("the HPA has a newer one"));
    }

    [Fact]
    public async Task StandIn_BadOverrideRequests_AreRefusedWithoutTouchingTheHpa()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedDeployment("web", 2);
        h.SeedHpa("web", 1, 10, cpuPercent: 50);
        var agent = await h.StartAgentAsync("node-a");
        var journal = Journal(h, Path.Combine(_dir, "o.json"));
        var sink = Sink(h, agent, journal);
        var now = h.Clock.GetUtcNow();

        Assert.False((await sink.SubmitAsync(OverrideRequest.Pin(new HpaRef("default", "web"), -3, null, false, OverrideSource.Mqtt, now))).Accepted);
        Assert.False((await sink.SubmitAsync(OverrideRequest.Pin(new HpaRef("default", "web"), 1_000_000, null, false, OverrideSource.Mqtt, now))).Accepted);
        Assert.False((await sink.SubmitAsync(OverrideRequest.Pin(new HpaRef("default", "web"), 3, TimeSpan.FromDays(400), false, OverrideSource.Mqtt, now))).Accepted);
        var missing = await sink.SubmitAsync(OverrideRequest.Pin(new HpaRef("default", "nope"), 3, null, false, OverrideSource.Mqtt, now));
        Assert.False(missing.Accepted);
        Assert.Contains("not found", missing.Reason);
        Assert.Null(h.Hpa("web").Metadata.Annotations);
        Assert.Empty(journal.Pending());
        Assert.Empty(h.Api.RequestsTo("PATCH", "/horizontalpodautoscalers/"));
    }

    private static OverrideJournal Journal(ScalerStandInHarness h, string path) => new(path, h.Logs.CreateLogger<OverrideJournal>());

    private static JournaledOverrideSink Sink(ScalerStandInHarness h, ScalerAgent agent, OverrideJournal journal) =>
        new(agent.Rest, journal, h.Clock, h.Logs.CreateLogger<JournaledOverrideSink>());
}
