namespace EdgeScaler.Kubernetes.Tests;

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using EdgeScaler.Kubernetes.Rest;
using EdgeScaler.TestKit;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

public sealed class InformerStandInTests
{
    private static JsonObject Hpa(string name, int max) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["spec"] = new JsonObject
        {
            ["maxReplicas"] = max,
            ["scaleTargetRef"] = new JsonObject { ["kind"] = "Deployment", ["name"] = name, ["apiVersion"] = "apps/v1" },
        },
    };

    private static async Task Eventually(Func<bool> condition, string what)
    {
        // Waits for asynchronous delivery (a watch line); fails with a message instead of hanging.
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(25);
        Assert.True(condition(), what);
    }

    [Fact]
    public async Task StandIn_Informer_ListsThenFollowsTheWatch()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var rest = new KubeRest(api.CreateClientConfiguration());
        api.Seed("autoscaling/v2", "horizontalpodautoscalers", Hpa("a", 3));
        var logs = new CapturingLoggerFactory();
        var health = new ApiHealth(logs.CreateLogger<ApiHealth>(), TimeProvider.System);
        var informer = new Informer<V2HorizontalPodAutoscaler>(rest, KubePaths.Hpas(null), health, TimeProvider.System, NullLogger.Instance);
        var seen = new ConcurrentQueue<string>();
        informer.Changed += (t, h) => seen.Enqueue($"{t}:{h.Metadata.Name}");
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);

        await informer.WaitForSyncAsync(cts.Token);
        Assert.Equal(3, informer.Get("default", "a")!.Spec.MaxReplicas);

        api.Seed("autoscaling/v2", "horizontalpodautoscalers", Hpa("b", 5));
        api.Mutate("autoscaling/v2", "horizontalpodautoscalers", "default", "a", h => h["spec"]!["maxReplicas"] = 9);
        api.Remove("autoscaling/v2", "horizontalpodautoscalers", "default", "b");
        await Eventually(() => seen.Count >= 4, "watch events delivered");
        Assert.Equal(["Added:a", "Added:b", "Modified:a", "Deleted:b"], seen);
        Assert.Equal(9, informer.Get("default", "a")!.Spec.MaxReplicas);
        Assert.Null(informer.Get("default", "b"));

        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public async Task StandIn_ApiGoesAwayAndComesBack_InformerRelistsAndSaysSoOnce()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var rest = new KubeRest(api.CreateClientConfiguration());
        api.Seed("autoscaling/v2", "horizontalpodautoscalers", Hpa("a", 3));
        var logs = new CapturingLoggerFactory();
        var health = new ApiHealth(logs.CreateLogger<ApiHealth>(), TimeProvider.System);
        var informer = new Informer<V2HorizontalPodAutoscaler>(rest, KubePaths.Hpas(null), health, TimeProvider.System, NullLogger.Instance);
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.WaitForSyncAsync(cts.Token);
        await Eventually(() => api.OpenWatchCount == 1, "watch open");

        await api.GoAwayAsync();
        await Eventually(() => !health.Reachable, "outage noticed");
        // Changes while the informer cannot see them (another control-plane client did them).
        api.Mutate("autoscaling/v2", "horizontalpodautoscalers", "default", "a", h => h["spec"]!["maxReplicas"] = 6);
        api.Seed("autoscaling/v2", "horizontalpodautoscalers", Hpa("c", 2));
        await Task.Delay(1500); // a few failed retries happen here; they must not each log
        await api.ComeBackAsync();

        await Eventually(() => informer.Get("default", "c") is not null && health.Reachable, "relisted after the outage");
        Assert.Equal(6, informer.Get("default", "a")!.Spec.MaxReplicas);
        Assert.Single(logs.LinesContaining("unreachable"));
        Assert.Single(logs.LinesContaining("reachable again"));

        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public async Task StandIn_WatchExpired410_InformerRelists()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        using var rest = new KubeRest(api.CreateClientConfiguration());
        api.Seed("autoscaling/v2", "horizontalpodautoscalers", Hpa("a", 3));
        var health = new ApiHealth(NullLogger<ApiHealth>.Instance, TimeProvider.System);
        var informer = new Informer<V2HorizontalPodAutoscaler>(rest, KubePaths.Hpas(null), health, TimeProvider.System, NullLogger.Instance)
        {
            WatchTimeoutSeconds = 1,
        };
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.WaitForSyncAsync(cts.Token);
        var listsBefore = api.RequestsTo("GET", "/horizontalpodautoscalers").Count(r => !r.Query.Contains("watch=true"));

        // The next resumed watch (after the 1 s server timeout) is told its resourceVersion is too old.
        var expired = 0;
        using var gone = api.Intercept(async (ctx, next) =>
        {
            if (ctx.Request.Query["watch"] == "true" && Interlocked.Exchange(ref expired, 1) == 0)
            {
                await KubeApiStandIn.WriteJsonAsync(ctx, 200, new JsonObject
                {
                    ["type"] = "ERROR",
                    ["object"] = KubeApiStandIn.StatusObject(410, "Expired", "too old resource version: 1 (2000)"),
                });
                return;
            }
            await next();
        });
        api.Seed("autoscaling/v2", "horizontalpodautoscalers", Hpa("late", 2));
        await Eventually(() => informer.Get("default", "late") is not null, "late HPA seen");
        await Eventually(() => api.RequestsTo("GET", "/horizontalpodautoscalers").Count(r => !r.Query.Contains("watch=true")) > listsBefore, "relist after 410");
        Assert.Equal(1, expired);

        await cts.CancelAsync();
        await run;
    }
}
