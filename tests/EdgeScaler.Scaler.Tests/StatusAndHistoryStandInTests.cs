namespace EdgeScaler.Scaler.Tests;

using System.Text.Json.Nodes;
using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Kubernetes.History;
using EdgeScaler.TestKit;

/// <summary>
/// What the controller writes besides /scale, against the stand-in: condition transition times (upstream's rule),
/// bad specs reported in status, and the scale-event history holding the count actually written.
/// </summary>
public sealed class StatusAndHistoryStandInTests
{
    private sealed class SettableThermal : IClusterThermal
    {
        public Dictionary<string, ThermalState> States { get; } = [];
        public IReadOnlyDictionary<string, ThermalState> NodeStates() => States;
    }

    private static readonly JsonObject ScaleUpTwoPodsPerMinute = new()
    {
        ["behavior"] = new JsonObject
        {
            ["scaleUp"] = new JsonObject
            {
                ["stabilizationWindowSeconds"] = 0,
                ["policies"] = new JsonArray(new JsonObject { ["type"] = "Pods", ["value"] = 2, ["periodSeconds"] = 60 }),
            },
        },
    };

    private static HpaHistory StoredHistory(ScalerStandInHarness h, string hpa)
    {
        var cm = h.Api.Get("v1", "configmaps", "kube-system", new ScalerOptions().HistoryConfigMap)!;
        var text = cm["data"]![HistoryStore.KeyOf(new HpaRef("default", hpa))]!.GetValue<string>();
        Assert.True(HistoryCodec.TryParse(text, out _, out var history, out var error), error);
        return history;
    }

    [Fact]
    public async Task StandIn_ConditionTransitionTime_MovesOnlyWhenTheStatusChanges()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedScaledApp("web", 2, cpuMilli: 100); // twice the target: wants exactly 4 (more would stay in the legacy window)
        var agent = await h.StartAgentAsync("node-a");
        var t0 = h.Clock.GetUtcNow().UtcDateTime;

        await agent.PassAsync(); // 2 → 4: AbleToScale True/SucceededRescale, ScalingActive True
        Assert.Equal(("SucceededRescale", t0), (h.Condition("web", "AbleToScale")!.Reason, h.Condition("web", "AbleToScale")!.LastTransitionTime));

        h.Clock.Advance(TimeSpan.FromSeconds(15));
        h.SetUsage("web", 2, cpuMilli: 50); // on target: no rescale, AbleToScale stays True with another reason
        Assert.Equal(4, h.Replicas("web"));
        await agent.PassAsync();
        var able = h.Condition("web", "AbleToScale")!;
        Assert.Equal(("True", "ReadyForNewScale", t0), (able.Status, able.Reason, able.LastTransitionTime));

        h.Clock.Advance(TimeSpan.FromSeconds(15));
        var t2 = h.Clock.GetUtcNow().UtcDateTime;
        h.Metrics.RemovePod("default", "web-0"); // no usage at all: ScalingActive flips to False
        h.Metrics.RemovePod("default", "web-1");
        await agent.PassAsync();
        var active = h.Condition("web", "ScalingActive")!;
        Assert.Equal(("False", "FailedGetResourceMetric", t2), (active.Status, active.Reason, active.LastTransitionTime));
        Assert.Equal(t0, h.Condition("web", "AbleToScale")!.LastTransitionTime);
        Assert.Equal(4, h.Hpa("web").Status.DesiredReplicas); // upstream keeps the last desired count when metrics fail
    }

    [Fact]
    public async Task StandIn_ThermalHold_RecordsNoScaleEvent_SoTheRateLimitIsFreeWhenItCools()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedScaledApp("web", 2, cpuMilli: 200, node: "pi-1", hpaExtra: ScaleUpTwoPodsPerMinute);
        var thermal = new SettableThermal();
        thermal.States["pi-1"] = ThermalState.Hot;
        var agent = await h.StartAgentAsync("node-a", thermal);

        await agent.PassAsync();
        var held = Assert.Single(agent.Controller.Decisions);
        Assert.Equal((ScaleMode.ThermalHold, 4, 2), (held.Mode, held.RecommendedReplicas, held.DesiredReplicas));
        Assert.Equal(2, h.Replicas("web"));
        Assert.Empty(StoredHistory(h, "web").ScaleUpEvents); // the HPA wanted +2, nothing was written
        Assert.DoesNotContain(h.Events(), e => e.Reason == "SuccessfulRescale");

        // 15 s later the board is cool: the 2-pods-per-minute budget is untouched, so 2 → 4 at once.
        thermal.States["pi-1"] = ThermalState.Cool;
        h.Clock.Advance(TimeSpan.FromSeconds(15));
        h.SetUsage("web", 2, cpuMilli: 200, node: "pi-1");
        await agent.PassAsync();
        Assert.Equal(4, h.Replicas("web"));
        var up = Assert.Single(StoredHistory(h, "web").ScaleUpEvents);
        Assert.Equal((2, h.Clock.GetUtcNow()), (up.ReplicaChange, up.Timestamp));
        Assert.StartsWith("New size: 4;", Assert.Single(h.Events(), e => e.Reason == "SuccessfulRescale").Message);
    }

    [Fact]
    public async Task StandIn_ThermalShed_RecordsTheStepItWrote_NotTheHpasAnswer()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedDeployment("web", 4);
        h.SeedPods("web", 4, cpuMilli: 200, node: "pi-1"); // the HPA wants more (8)
        h.SeedHpa("web", 1, 10, cpuPercent: 50, extra: new JsonObject
        {
            ["behavior"] = new JsonObject
            {
                ["scaleDown"] = new JsonObject { ["policies"] = new JsonArray(new JsonObject { ["type"] = "Pods", ["value"] = 1, ["periodSeconds"] = 60 }) },
            },
        });
        h.Api.Mutate("autoscaling/v2", "horizontalpodautoscalers", "default", "web", o => o["metadata"]!["annotations"] = new JsonObject { [ThermalPolicyAnnotation.Key] = "shed" });
        var thermal = new SettableThermal();
        thermal.States["pi-1"] = ThermalState.Hot;
        var agent = await h.StartAgentAsync("node-a", thermal);

        await agent.PassAsync();
        var decision = Assert.Single(agent.Controller.Decisions);
        Assert.Equal(ScaleMode.ThermalShed, decision.Mode);
        var written = h.Replicas("web");
        Assert.Equal(3, written); // one pod per minute down, whatever the HPA wanted
        var history = StoredHistory(h, "web");
        Assert.Empty(history.ScaleUpEvents);
        Assert.Equal(1, Assert.Single(history.ScaleDownEvents).ReplicaChange);
        Assert.Equal(3, h.Hpa("web").Status.DesiredReplicas);
        Assert.StartsWith("New size: 3;", Assert.Single(h.Events(), e => e.Reason == "SuccessfulRescale").Message);

        // Still hot 15 s later: the recorded step uses up the minute's budget, so no second step yet.
        h.Clock.Advance(TimeSpan.FromSeconds(15));
        h.SetUsage("web", 3, cpuMilli: 200, node: "pi-1");
        await agent.PassAsync();
        Assert.Equal(3, h.Replicas("web"));
    }

    [Fact]
    public async Task StandIn_InvalidSpecAndBadMetricEntries_AreReportedInStatus_TheRestScales()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedDeployment("web", 2);
        h.SeedPods("web", 2, cpuMilli: 200);
        // A metric entry that does not map next to one that does: the good one still scales up.
        h.SeedHpa("web", 1, 10, cpuPercent: 50, extra: new JsonObject
        {
            ["metrics"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "Resource",
                    ["resource"] = new JsonObject { ["name"] = "cpu", ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = 50 } },
                },
                new JsonObject { ["type"] = "Object", ["object"] = new JsonObject { ["metric"] = new JsonObject { ["name"] = "hits" } } }),
        });
        // A spec the API server would have refused: maxReplicas 0.
        h.SeedDeployment("broken", 2);
        h.SeedHpa("broken", 1, 0, cpuPercent: 50);
        var agent = await h.StartAgentAsync("node-a");

        Assert.Equal(2, await agent.PassAsync());

        Assert.Equal(4, h.Replicas("web"));
        Assert.Equal(("True", "ValidMetricFound"), (h.Condition("web", "ScalingActive")!.Status, h.Condition("web", "ScalingActive")!.Reason));
        Assert.Equal("", h.Hpa("web").Status.CurrentMetrics[1].Type); // the failed entry, as upstream leaves it
        Assert.Contains(h.Events(), e => e.Reason == "FailedGetObjectMetric" && e.InvolvedObject.Name == "web");
        Assert.Single(h.Logs.LinesContaining("spec.metrics[1].object.describedObject"));

        var broken = h.Condition("broken", "ScalingActive")!;
        Assert.Equal(("False", HpaController.InvalidSpecReason), (broken.Status, broken.Reason));
        Assert.Contains("spec.maxReplicas", broken.Message);
        Assert.Equal(2, h.Replicas("broken"));
        Assert.Single(h.Events(), e => e.Reason == HpaController.InvalidSpecReason);

        h.Clock.Advance(TimeSpan.FromSeconds(15));
        await agent.PassAsync();
        Assert.Single(h.Events(), e => e.Reason == HpaController.InvalidSpecReason); // said once, not every sync
        Assert.Single(h.Logs.LinesContaining("spec.metrics[1].object.describedObject"));
    }
}
