namespace EdgeScaler.MetricsApi.Tests;

using System.Text.Json.Nodes;
using EdgeScaler.Core.Metrics;
using EdgeScaler.MetricsApi.Cluster;
using EdgeScaler.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

/// <summary>Pod identity from the Kubernetes API stand-in (list + watch) naming the node sampler's rates.</summary>
public class ClusterViewStandInTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 27, 12, 0, 10, TimeSpan.Zero);

    private static JsonObject PodJson(string ns, string name, string uid, string node, string phase, params (string Name, string Id, bool Running)[] containers) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["uid"] = uid, ["labels"] = new JsonObject { ["app"] = name.Split('-')[0] } },
        ["spec"] = new JsonObject { ["nodeName"] = node },
        ["status"] = new JsonObject
        {
            ["phase"] = phase,
            ["containerStatuses"] = new JsonArray(containers.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name, ["containerID"] = "containerd://" + c.Id,
                ["state"] = c.Running ? new JsonObject { ["running"] = new JsonObject() } : new JsonObject { ["terminated"] = new JsonObject() },
            }).ToArray()),
        },
    };

    private static NodeRates Rates(params PodRates[] pods) =>
        new(T, TimeSpan.FromMilliseconds(10002), new CpuRate(250_000_000, TimeSpan.FromMilliseconds(10002), RateRejection.None), 512L * 1024 * 1024, pods);

    private static PodRates PodRate(string uid, params (string Id, long? Cpu)[] containers) =>
        new(uid, QosClass.Burstable, 1, 1, containers.Select(c => new ContainerRates(c.Id, c.Cpu, 4096, c.Cpu is null ? RateRejection.NoPreviousSample : RateRejection.None)).ToList());

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(condition());
    }

    [Fact]
    public async Task NamesRatesByUidAndContainerIdAndFollowsTheWatch()
    {
        await using var api = await KubeApiStandIn.StartAsync();
        api.Seed("v1", "nodes", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "edge-1", ["labels"] = new JsonObject { ["board"] = "pi5" } } });
        api.Seed("v1", "pods", PodJson("shop", "web-1", "u-web", "edge-1", "Running", ("nginx", "aaa", true), ("sidecar", "bbb", true)));
        api.Seed("v1", "pods", PodJson("shop", "db-1", "u-db", "edge-1", "Running", ("pg", "ccc", true)));
        api.Seed("v1", "pods", PodJson("shop", "other-1", "u-other", "edge-2", "Running", ("x", "ddd", true)));
        api.Seed("v1", "pods", PodJson("shop", "done-1", "u-done", "edge-1", "Succeeded", ("job", "eee", false)));

        using var source = new KubernetesPodSource(api.CreateClientConfiguration());
        await using var inventory = new PodInventory(source, "edge-1", NullLogger.Instance);
        await inventory.StartAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.True(inventory.Synced);
        Assert.Equal(3, inventory.Count); // only pods on edge-1
        Assert.Equal("pi5", inventory.NodeLabels["board"]);

        var store = new ClusterMetricsStore("edge-1");
        store.UpdateLocal(Rates(
            PodRate("u-web", ("aaa", 1_000_000), ("bbb", 2_000)),
            PodRate("u-db", ("ccc", null)),          // a container without a CPU rate yet: the pod is left out
            PodRate("u-done", ("eee", 5))), inventory); // not Running: left out
        var pod = Assert.Single(store.Pods());
        Assert.Equal("shop/web-1", pod.Pod.ToString());
        Assert.Equal(["nginx", "sidecar"], pod.Containers.Select(c => c.Name));
        Assert.Equal(1_000_000, pod.Containers[0].Usage.CpuNanoCores);
        Assert.Equal("web", pod.Pod.Labels["app"]);
        Assert.Equal("10.002s", Wire.WireFormat.Window(pod.Window));
        Assert.Equal("pi5", Assert.Single(store.Nodes()).Labels["board"]);

        // A new pod arrives through the watch, not a relist.
        var listsBefore = inventory.Lists;
        api.Seed("v1", "pods", PodJson("shop", "web-2", "u-web2", "edge-1", "Running", ("nginx", "fff", true)));
        await WaitUntilAsync(() => inventory.TryGet("u-web2", out _));
        Assert.Equal(listsBefore, inventory.Lists);
        Assert.True(inventory.WatchEvents >= 1);

        // Deleted through the watch as well.
        api.Remove("v1", "pods", "shop", "db-1");
        await WaitUntilAsync(() => !inventory.TryGet("u-db", out _));
    }

    [Fact]
    public async Task ExpiredResourceVersionRelists()
    {
        await using var api = await KubeApiStandIn.StartAsync(new KubeApiStandInOptions { WatchHistoryLimit = 1 });
        api.Seed("v1", "pods", PodJson("a", "p-1", "u1", "edge-1", "Running", ("c", "1", true)));
        using var source = new KubernetesPodSource(api.CreateClientConfiguration(), TimeSpan.FromSeconds(1));
        await using var inventory = new PodInventory(source, "edge-1", NullLogger.Instance);
        await inventory.StartAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        await api.GoAwayAsync();
        api.Seed("v1", "pods", PodJson("a", "p-2", "u2", "edge-1", "Running", ("c", "2", true)));
        api.Seed("v1", "pods", PodJson("a", "p-3", "u3", "edge-1", "Running", ("c", "3", true)));
        api.ExpireWatchHistory();
        await api.ComeBackAsync();
        // The pods appear during the relist, before it counts as done (it still reads the node's labels): wait for both.
        await WaitUntilAsync(() => inventory.TryGet("u3", out _) && inventory.TryGet("u2", out _) && inventory.Lists >= 2);
    }

    [Fact]
    public void PeersAreMergedAndDroppedWhenStaleThenReturn()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T);
        var store = new ClusterMetricsStore("edge-1", time, TimeSpan.FromSeconds(60));
        store.SetLocal(new NodeUsage("edge-1", T, TimeSpan.FromSeconds(10), new ResourceUsage(1, 1024)), []);
        var peer = new LocalSamples("edge-2", new NodeUsage("edge-2", T, TimeSpan.FromSeconds(10), new ResourceUsage(2, 2048)),
            [FixedClusterMetrics.Pod("shop", "web-9", "edge-2", new() { ["app"] = "web" }, ("c", 5, 4096))]);
        store.SetPeer("https://10.0.0.2:4443", LocalSamples.FromJson(peer.ToJson()));
        Assert.Equal(["edge-1", "edge-2"], store.Nodes().Select(n => n.NodeName));
        Assert.Equal("web", Assert.Single(store.Pods()).Pod.Labels["app"]);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(2, store.Nodes().Count);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(["edge-1"], store.Nodes().Select(n => n.NodeName));
        Assert.Empty(store.Pods());

        store.SetPeer("https://10.0.0.2:4443", peer);
        Assert.Equal(2, store.Nodes().Count);
    }

    [Fact]
    public void MalformedPeerDocumentIsAFormatError()
    {
        Assert.Throws<FormatException>(() => LocalSamples.FromJson("{\"nodeName\":"u8));
        Assert.Throws<FormatException>(() => LocalSamples.FromJson("{}"u8));
    }
}
