namespace EdgeScaler.Scaler.Tests;

using System.Text.Json.Nodes;
using EdgeScaler.TestKit;

/// <summary>The controller end to end against the Kubernetes API stand-in, stepped pass by pass on a fake clock.</summary>
public sealed class HpaControllerStandInTests
{
    [Fact]
    public async Task StandIn_ScaleUp_WritesScaleStatusAndEvent()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedScaledApp("web", 2, cpuMilli: 200); // 200% of request against a 50% target
        var agent = await h.StartAgentAsync("node-a");

        Assert.Equal(1, await agent.PassAsync());

        Assert.Equal(4, h.Replicas("web")); // wants 8, legacy path allows max(2x2, 4) = 4
        var hpa = h.Hpa("web");
        Assert.Equal(2, hpa.Status.CurrentReplicas);
        Assert.Equal(4, hpa.Status.DesiredReplicas);
        Assert.NotNull(hpa.Status.LastScaleTime);
        Assert.Equal(200, hpa.Status.CurrentMetrics.Single().Resource.Current.AverageUtilization);
        Assert.Equal("SucceededRescale", h.Condition("web", "AbleToScale")!.Reason);
        Assert.Equal("ValidMetricFound", h.Condition("web", "ScalingActive")!.Reason);
        Assert.Equal("ScaleUpLimit", h.Condition("web", "ScalingLimited")!.Reason);
        var ev = Assert.Single(h.Events(), e => e.Reason == "SuccessfulRescale");
        Assert.StartsWith("New size: 4; reason: cpu resource utilization (percentage of request) above target", ev.Message);
        Assert.Equal("horizontal-pod-autoscaler", ev.Source.Component);

        var decision = Assert.Single(agent.Controller.Decisions);
        Assert.Equal((2, 4), (decision.CurrentReplicas, decision.DesiredReplicas));
    }

    [Fact]
    public async Task StandIn_ScaleDown_WaitsOutTheFiveMinuteWindow()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedScaledApp("web", 4, cpuMilli: 50);
        var agent = await h.StartAgentAsync("node-a");
        await agent.PassAsync(); // at target: records 4
        Assert.Equal(4, h.Replicas("web"));

        h.SetUsage("web", 4, cpuMilli: 10); // wants 1
        var elapsed = TimeSpan.Zero;
        while (elapsed < TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(15))
        {
            h.Clock.Advance(TimeSpan.FromSeconds(15));
            elapsed += TimeSpan.FromSeconds(15);
            h.SetUsage("web", 4, cpuMilli: 10);
            await agent.PassAsync();
            Assert.Equal(4, h.Replicas("web")); // inside the window the highest recommendation (4) holds
            Assert.Equal("ScaleDownStabilized", h.Condition("web", "AbleToScale")!.Reason);
        }
        Assert.DoesNotContain(h.Events(), e => e.Reason == "SuccessfulRescale");

        h.Clock.Advance(TimeSpan.FromSeconds(30)); // the 4 is now older than 5 minutes
        h.SetUsage("web", 4, cpuMilli: 10);
        await agent.PassAsync();
        Assert.Equal(1, h.Replicas("web"));
        Assert.Contains(h.Events(), e => e.Reason == "SuccessfulRescale" && e.Message.StartsWith("New size: 1; reason: All metrics below target"));
    }

    [Fact]
    public async Task StandIn_OnlyTheLeaseHolderScales_AndFailoverKeepsTheStabilizationWindow()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedScaledApp("web", 4, cpuMilli: 50);
        var a = await h.StartAgentAsync("node-a");
        var b = await h.StartAgentAsync("node-b");

        Assert.Equal(1, await a.PassAsync());
        Assert.Equal(0, await b.PassAsync()); // not leader: reconciles nothing
        Assert.True(a.Elector.HoldsLease);
        Assert.False(b.Elector.HoldsLease);

        // Load drops; a keeps the window's high recommendation for a minute, then dies.
        h.SetUsage("web", 4, cpuMilli: 10);
        for (var i = 0; i < 4; i++)
        {
            h.Clock.Advance(TimeSpan.FromSeconds(15));
            await a.PassAsync();
            await b.PassAsync();
        }
        Assert.Equal(4, h.Replicas("web"));

        // a stops renewing; b takes over after the lease duration...
        for (var i = 0; i < 8 && !b.Elector.HoldsLease; i++)
        {
            h.Clock.Advance(TimeSpan.FromSeconds(2));
            h.SetUsage("web", 4, cpuMilli: 10);
            await b.PassAsync();
        }
        Assert.True(b.Elector.HoldsLease);
        // ...and, with the history from the ConfigMap, still does not scale down before the window ends.
        Assert.Equal(4, h.Replicas("web"));
        Assert.Equal(0, await a.Controller.ReconcilePassAsync(null, default)); // a's renew deadline passed: it writes nothing

        while (h.Clock.GetUtcNow() < ScalerStandInHarness.Start + TimeSpan.FromMinutes(4.5))
        {
            h.Clock.Advance(TimeSpan.FromSeconds(15));
            h.SetUsage("web", 4, cpuMilli: 10);
            await b.PassAsync();
            Assert.Equal(4, h.Replicas("web"));
        }
        h.Clock.Advance(TimeSpan.FromSeconds(45));
        h.SetUsage("web", 4, cpuMilli: 10);
        await b.PassAsync();
        Assert.Equal(1, h.Replicas("web"));
    }

    [Fact]
    public async Task StandIn_ApiGoesAwayAndComesBack_NoScalingMeanwhile_SaysSoOnce_ThenScales()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedScaledApp("web", 2, cpuMilli: 50);
        var agent = await h.StartAgentAsync("node-a");
        await agent.PassAsync();

        await h.Api.GoAwayAsync();
        h.SetUsage("web", 2, cpuMilli: 200);
        for (var i = 0; i < 3; i++)
        {
            h.Clock.Advance(TimeSpan.FromSeconds(4));
            Assert.Equal(0, await agent.PassAsync());
        }
        Assert.False(agent.Health.Reachable);
        Assert.False(agent.Elector.HoldsLease); // past the renew deadline: it would not write even if it could

        await h.Api.ComeBackAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(30)); // lets the caches' backoff fire
        await agent.CatchUpAsync();
        h.SetUsage("web", 2, cpuMilli: 200);
        Assert.Equal(1, await agent.PassAsync());
        Assert.Equal(4, h.Replicas("web"));
        Assert.True(agent.Health.Reachable);
        Assert.Single(h.Logs.LinesContaining("Kubernetes API unreachable"));
        Assert.Single(h.Logs.LinesContaining("reachable again"));
    }

    [Fact]
    public async Task StandIn_ScaleConflict_ReportsFailedUpdateScale_ThenSucceedsNextSync()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedScaledApp("web", 2, cpuMilli: 200);
        var agent = await h.StartAgentAsync("node-a");
        var raced = 0;
        using (h.Api.Intercept(async (ctx, next) =>
        {
            // Someone edits the Deployment between our GET /scale and our write.
            if (ctx.Request.Method == "PATCH" && ctx.Request.Path.Value!.EndsWith("/scale") && Interlocked.Exchange(ref raced, 1) == 0)
                h.Api.Mutate("apps/v1", "deployments", "default", "web", d => d["metadata"]!["labels"] = new JsonObject { ["touched"] = "yes" });
            await next();
        }))
        {
            await agent.PassAsync();
        }
        Assert.Equal(2, h.Replicas("web"));
        var able = h.Condition("web", "AbleToScale")!;
        Assert.Equal(("False", "FailedUpdateScale"), (able.Status, able.Reason));
        Assert.Contains(h.Events(), e => e.Reason == "FailedRescale" && e.Type == "Warning");

        h.Clock.Advance(TimeSpan.FromSeconds(15));
        await agent.PassAsync();
        Assert.Equal(4, h.Replicas("web"));
        Assert.Equal("SucceededRescale", h.Condition("web", "AbleToScale")!.Reason);
    }

    [Fact]
    public async Task StandIn_BadHpas_AreReportedInConditions_NotCrashes()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedScaledApp("good", 2, cpuMilli: 200);
        // Target that does not exist.
        h.SeedHpa("ghost", 1, 10, cpuPercent: 50);
        // Target whose selector cannot be parsed.
        h.SeedDeployment("weird", 2, selector: new JsonObject
        {
            ["matchExpressions"] = new JsonArray(new JsonObject { ["key"] = "app", ["operator"] = "Bogus", ["values"] = new JsonArray("x") }),
        });
        h.SeedHpa("weird", 1, 10, cpuPercent: 50);
        // An External metric nobody serves.
        h.SeedDeployment("queue", 2);
        h.SeedPods("queue", 2, cpuMilli: 50);
        h.SeedHpa("queue", 1, 10, cpuPercent: 50, extra: new JsonObject
        {
            ["metrics"] = new JsonArray(new JsonObject
            {
                ["type"] = "External",
                ["external"] = new JsonObject
                {
                    ["metric"] = new JsonObject { ["name"] = "queue_depth" },
                    ["target"] = new JsonObject { ["type"] = "AverageValue", ["averageValue"] = "30" },
                },
            }),
        });
        var agent = await h.StartAgentAsync("node-a");

        Assert.Equal(4, await agent.PassAsync());

        Assert.Equal(4, h.Replicas("good")); // the bad ones do not stop the good one
        var ghost = h.Condition("ghost", "AbleToScale")!;
        Assert.Equal(("False", "FailedGetScale"), (ghost.Status, ghost.Reason));
        Assert.Contains("deployments.apps \"ghost\" not found", ghost.Message);
        Assert.Contains(h.Events(), e => e.Reason == "FailedGetScale" && e.InvolvedObject.Name == "ghost");

        var weird = h.Condition("weird", "ScalingActive")!;
        Assert.Equal(("False", "InvalidSelector"), (weird.Status, weird.Reason));
        Assert.Equal(2, h.Replicas("weird"));

        var queue = h.Condition("queue", "ScalingActive")!;
        Assert.Equal(("False", "FailedGetExternalMetric"), (queue.Status, queue.Reason));
        Assert.Equal(2, h.Replicas("queue"));
        Assert.Contains(h.Events(), e => e.Reason == "FailedComputeMetricsReplicas" && e.InvolvedObject.Name == "queue");
    }

    [Fact]
    public async Task StandIn_ExternalAndPodsMetrics_AreReadFromTheirMetricsApis()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedDeployment("worker", 2);
        h.SeedPods("worker", 2, cpuMilli: 50);
        h.SeedHpa("worker", 1, 20, cpuPercent: 50, extra: new JsonObject
        {
            ["metrics"] = new JsonArray(new JsonObject
            {
                ["type"] = "External",
                ["external"] = new JsonObject
                {
                    ["metric"] = new JsonObject { ["name"] = "queue_depth", ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["queue"] = "jobs" } } },
                    ["target"] = new JsonObject { ["type"] = "AverageValue", ["averageValue"] = "30" },
                },
            }),
        });
        string? asked = null;
        using var adapter = h.Api.Map("GET", "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_depth", ctx =>
        {
            asked = ctx.Request.Query["labelSelector"];
            return KubeApiStandIn.WriteJsonAsync(ctx, 200, new JsonObject
            {
                ["kind"] = "ExternalMetricValueList",
                ["apiVersion"] = "external.metrics.k8s.io/v1beta1",
                ["items"] = new JsonArray(new JsonObject
                {
                    ["metricName"] = "queue_depth",
                    ["metricLabels"] = new JsonObject { ["queue"] = "jobs" },
                    ["timestamp"] = "2026-01-01T00:00:00Z",
                    ["value"] = "180",
                }),
            });
        });
        var agent = await h.StartAgentAsync("node-a");
        await agent.PassAsync();

        Assert.Equal("queue=jobs", asked);
        Assert.Equal(4, h.Replicas("worker")); // 180/30 = 6 wanted, legacy limit max(2x2,4) = 4
        Assert.Equal("ValidMetricFound", h.Condition("worker", "ScalingActive")!.Reason);
    }

    [Fact]
    public async Task StandIn_AnotherControllerFightingOverScale_IsDetectedWithTheK3sFlag()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedScaledApp("web", 2, cpuMilli: 200, max: 4);
        var agent = await h.StartAgentAsync("node-a");
        for (var i = 0; i < 3; i++)
        {
            await agent.PassAsync();
            // k3s's own HPA controller (still enabled) puts its own answer back.
            h.Api.Mutate("apps/v1", "deployments", "default", "web", d => d["spec"]!["replicas"] = 2);
            h.Clock.Advance(TimeSpan.FromSeconds(15));
        }
        var warning = Assert.Single(h.Logs.LinesContaining("Another controller is scaling"));
        Assert.Contains("--kube-controller-manager-arg=controllers=*,-horizontalpodautoscaling", warning.Message);
        Assert.Contains(h.Events(), e => e.Reason == "ConflictingScaleWriter");
    }

    [Fact]
    public async Task StandIn_UnchangedDecision_DoesNotRewriteStatus()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedScaledApp("web", 2, cpuMilli: 50);
        var agent = await h.StartAgentAsync("node-a");
        await agent.PassAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(15));
        h.SetUsage("web", 2, cpuMilli: 50);
        await agent.PassAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(15));
        h.SetUsage("web", 2, cpuMilli: 50);
        await agent.PassAsync();
        Assert.Single(h.Api.RequestsTo("PUT", "/horizontalpodautoscalers/web/status"));
    }

    [Fact]
    public async Task StandIn_TwoHpasOnOneDeployment_AreAmbiguous_UntilOneIsDeleted()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedDeployment("web", 2);
        h.SeedPods("web", 2, cpuMilli: 50);
        h.SeedDeployment("api", 2);
        h.SeedPods("api", 2, cpuMilli: 50);
        h.SeedHpa("web-a", 1, 10, cpuPercent: 50, target: "web");
        h.SeedHpa("web-b", 1, 10, cpuPercent: 50, target: "web");
        h.SeedHpa("api", 1, 10, cpuPercent: 50);
        var agent = await h.StartAgentAsync("node-a");
        await agent.PassAsync();
        await agent.PassAsync(); // the second pass knows every HPA's selector

        foreach (var name in new[] { "web-a", "web-b" })
        {
            var active = h.Condition(name, "ScalingActive")!;
            Assert.Equal(("False", "AmbiguousSelector"), (active.Status, active.Reason));
            var other = name == "web-a" ? "web-b" : "web-a";
            Assert.Equal($"pods by selector app=web are controlled by multiple HPAs: [{{{name} default}} {{{other} default}}]", active.Message);
        }
        Assert.Equal("ValidMetricFound", h.Condition("api", "ScalingActive")!.Reason);
        Assert.Equal(2, h.Replicas("web"));

        Assert.True(h.Api.Remove("autoscaling/v2", "horizontalpodautoscalers", "default", "web-b"));
        await agent.PassAsync();
        await agent.PassAsync();
        Assert.Equal("ValidMetricFound", h.Condition("web-a", "ScalingActive")!.Reason);
    }

    [Fact]
    public async Task StandIn_AnHpaThatDoesNotDecode_IsLeftOutWithOneWarning_AndTheOthersAreStillScaled()
    {
        await using var h = await ScalerStandInHarness.StartAsync();
        h.SeedScaledApp("web", 2, cpuMilli: 100); // 100 % of a 50 % target: wants 4
        h.SeedDeployment("bad", 2);
        // A quantity KubernetesClient cannot parse (the API server would have refused it; a hand-fed object).
        h.SeedHpa("bad", 1, 10, cpuPercent: 50, extra: new JsonObject
        {
            ["metrics"] = new JsonArray(new JsonObject
            {
                ["type"] = "Resource",
                ["resource"] = new JsonObject { ["name"] = "memory", ["target"] = new JsonObject { ["type"] = "AverageValue", ["averageValue"] = "12 bogus" } },
            }),
        });
        var agent = await h.StartAgentAsync("node-a");
        await agent.Elector.TryAcquireOrRenewAsync(default);

        async Task PassWhenCachedAsync()
        {
            for (var i = 0; i < 400 && (agent.Controller.CachedHpa(new EdgeScaler.Core.Scaling.HpaRef("default", "web")) is null || agent.Controller.CachedPodCount < 2); i++) await Task.Delay(10);
            await agent.Controller.ReconcilePassAsync(null, default);
        }
        await PassWhenCachedAsync();
        await PassWhenCachedAsync();

        Assert.Equal(4, h.Replicas("web")); // the list of HPAs did not fail: web was reconciled
        Assert.Null(agent.Controller.CachedHpa(new EdgeScaler.Core.Scaling.HpaRef("default", "bad")));
        Assert.Equal(2, h.Replicas("bad"));
        var line = Assert.Single(h.Logs.LinesContaining("Leaving out default/bad"));
        Assert.Contains("does not decode", line.Message);
        var warning = Assert.Single(h.Events(), e => e.InvolvedObject.Name == "bad");
        Assert.Equal(("Warning", HpaController.InvalidSpecReason), (warning.Type, warning.Reason));
        Assert.StartsWith("the HPA could not be read, so it is not scaled: ", warning.Message);
        Assert.Equal(1, warning.Count ?? 1); // once, not once per pass
        Assert.Contains("12 bog", warning.Message); // the client's reason names the value

        // Fixed by hand: the watch brings it back and it is scaled like any other.
        h.Api.Mutate("autoscaling/v2", "horizontalpodautoscalers", "default", "bad",
            hpa => hpa["spec"]!["metrics"]![0]!["resource"]!["target"]!["averageValue"] = "12Mi");
        for (var i = 0; i < 400 && agent.Controller.CachedHpa(new EdgeScaler.Core.Scaling.HpaRef("default", "bad")) is null; i++) await Task.Delay(10);
        Assert.NotNull(agent.Controller.CachedHpa(new EdgeScaler.Core.Scaling.HpaRef("default", "bad")));
    }
}
