namespace EdgeScaler.Kubernetes.Tests;

using System.Text.Json.Nodes;
using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Kubernetes.Events;
using EdgeScaler.Kubernetes.History;
using EdgeScaler.Kubernetes.Hpa;
using EdgeScaler.Kubernetes.Rest;
using EdgeScaler.TestKit;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

public sealed class HpaWritersStandInTests
{
    private static async Task<V2HorizontalPodAutoscaler> SeedHpa(KubeApiStandIn api, KubeRest rest)
    {
        api.Seed("autoscaling/v2", "horizontalpodautoscalers", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = "default" },
            ["spec"] = new JsonObject { ["maxReplicas"] = 5, ["scaleTargetRef"] = new JsonObject { ["kind"] = "Deployment", ["name"] = "web" } },
        });
        return await rest.GetAsync<V2HorizontalPodAutoscaler>(KubePaths.Hpa("default", "web"), default);
    }

    private static V2HorizontalPodAutoscalerStatus Status(int current, int desired, DateTime transition) => new()
    {
        CurrentReplicas = current,
        DesiredReplicas = desired,
        Conditions = [new V2HorizontalPodAutoscalerCondition { Type = "AbleToScale", Status = "True", Reason = "ReadyForNewScale", Message = "recommended size matches current size", LastTransitionTime = transition }],
    };

    [Fact]
    public async Task StandIn_StatusWriter_WritesOnlyWhenChanged_AndKeepsTransitionTimes()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var rest = new KubeRest(api.CreateClientConfiguration());
        var hpa = await SeedHpa(api, rest);
        var writer = new HpaStatusWriter(rest);
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        Assert.NotNull(await writer.WriteIfChangedAsync(hpa, Status(2, 2, t0), default));
        hpa = await rest.GetAsync<V2HorizontalPodAutoscaler>(KubePaths.Hpa("default", "web"), default);
        // Same decision 15 s later: the condition would carry a new time, but its status did not change.
        Assert.Null(await writer.WriteIfChangedAsync(hpa, Status(2, 2, t0.AddSeconds(15)), default));
        Assert.Single(api.RequestsTo("PUT", "/web/status"));

        Assert.NotNull(await writer.WriteIfChangedAsync(hpa, Status(2, 3, t0.AddSeconds(30)), default));
        var stored = api.Get<V2HorizontalPodAutoscaler>("autoscaling/v2", "horizontalpodautoscalers", "default", "web")!;
        Assert.Equal(3, stored.Status.DesiredReplicas);
        Assert.Equal(t0, stored.Status.Conditions[0].LastTransitionTime);
    }

    [Fact]
    public async Task StandIn_StatusWriter_StaleCopy_RetriesOnFreshRead()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var rest = new KubeRest(api.CreateClientConfiguration());
        var hpa = await SeedHpa(api, rest);
        api.Mutate("autoscaling/v2", "horizontalpodautoscalers", "default", "web", h => h["metadata"]!["labels"] = new JsonObject { ["x"] = "y" });
        var writer = new HpaStatusWriter(rest);
        Assert.NotNull(await writer.WriteIfChangedAsync(hpa, Status(1, 2, DateTime.UtcNow), default));
        var stored = api.Get<V2HorizontalPodAutoscaler>("autoscaling/v2", "horizontalpodautoscalers", "default", "web")!;
        Assert.Equal(2, stored.Status.DesiredReplicas);
        Assert.Equal("y", stored.Metadata.Labels["x"]);
    }

    [Fact]
    public async Task StandIn_EventRecorder_CreatesThenCountsRepeats()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var rest = new KubeRest(api.CreateClientConfiguration());
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var recorder = new EventRecorder(rest, EventRecorder.HpaComponent, "node-a", clock, NullLogger<EventRecorder>.Instance);
        var involved = new V1ObjectReference { Kind = "HorizontalPodAutoscaler", ApiVersion = "autoscaling/v2", Name = "web", NamespaceProperty = "default", Uid = "u1" };

        await recorder.RecordAsync(involved, "Normal", "SuccessfulRescale", "New size: 4; reason: cpu resource utilization (percentage of request) above target", default);
        clock.Advance(TimeSpan.FromSeconds(15));
        await recorder.RecordAsync(involved, "Normal", "SuccessfulRescale", "New size: 4; reason: cpu resource utilization (percentage of request) above target", default);
        await recorder.RecordAsync(involved, "Warning", "FailedGetScale", "deployments.apps \"web\" not found", default);

        var events = api.List("v1", "events", "default").Select(e => k8s.KubernetesJson.Deserialize<Corev1Event>(e.ToJsonString())).OrderBy(e => e.Reason).ToList();
        Assert.Equal(2, events.Count);
        Assert.Equal("FailedGetScale", events[0].Reason);
        Assert.Equal("Warning", events[0].Type);
        Assert.Equal(2, events[1].Count);
        Assert.Equal("horizontal-pod-autoscaler", events[1].Source.Component);
        Assert.Equal("web", events[1].InvolvedObject.Name);
    }

    [Fact]
    public async Task StandIn_HistoryStore_RoundTripsAndSkipsGarbageEntries()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var rest = new KubeRest(api.CreateClientConfiguration());
        var logs = new CapturingLoggerFactory();
        var store = new HistoryStore(rest, "kube-system", "edgescaler-hpa-history", logs.CreateLogger<HistoryStore>());
        var t = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
        var history = new HpaHistory(
            [new TimestampedRecommendation(5, t), new TimestampedRecommendation(3, t.AddSeconds(15))],
            [new ScaleEvent(2, t)],
            []);
        var all = new Dictionary<HpaRef, (string, HpaHistory)> { [new HpaRef("default", "web")] = ("uid-1", history) };

        Assert.True(await store.SaveAsync(all, default));
        Assert.False(await store.SaveAsync(all, default)); // unchanged: no write
        api.Mutate("v1", "configmaps", "kube-system", "edgescaler-hpa-history", cm => cm["data"]!["default_bad"] = "uid=x;r=3@notatime;u=;d=");

        var loaded = await new HistoryStore(rest, "kube-system", "edgescaler-hpa-history", logs.CreateLogger<HistoryStore>()).LoadAsync(default);
        var (uid, back) = Assert.Single(loaded).Value;
        Assert.Equal("uid-1", uid);
        Assert.Equal(history.Recommendations, back.Recommendations);
        Assert.Equal(history.ScaleUpEvents, back.ScaleUpEvents);
        Assert.Single(logs.LinesContaining("ignoring entry default_bad"));
    }
}
