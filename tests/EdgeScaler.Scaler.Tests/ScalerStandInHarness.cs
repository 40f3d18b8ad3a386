namespace EdgeScaler.Scaler.Tests;

using System.Text.Json.Nodes;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Kubernetes.Events;
using EdgeScaler.Kubernetes.Leader;
using EdgeScaler.Kubernetes.Rest;
using EdgeScaler.TestKit;
using Microsoft.Extensions.Time.Testing;

/// <summary>
/// A Kubernetes API stand-in, a fake clock, a hand-filled cluster view, and agents (controller + lease elector)
/// that the test steps pass by pass, so every scaling step is deterministic.
/// </summary>
public sealed class ScalerStandInHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-01T00:00:00Z");

    private readonly List<ScalerAgent> _agents = [];

    private ScalerStandInHarness(KubeApiStandIn api) => Api = api;

    public KubeApiStandIn Api { get; }
    public FakeTimeProvider Clock { get; } = new(Start);
    public InMemoryClusterMetrics Metrics { get; } = new();
    public CapturingLoggerFactory Logs { get; } = new();

    public static async Task<ScalerStandInHarness> StartAsync() => new(await KubeApiStandIn.StartAsync());

    public async Task<ScalerAgent> StartAgentAsync(string identity, IClusterThermal? thermal = null, ScalerOptions? options = null)
    {
        var agent = new ScalerAgent(this, identity, thermal ?? NoClusterThermal.Instance, options ?? new ScalerOptions());
        _agents.Add(agent);
        await agent.WaitForCachesAsync();
        return agent;
    }

    public void SeedDeployment(string name, int replicas, string ns = "default", JsonObject? selector = null) =>
        Api.Seed("apps/v1", "deployments", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = selector ?? new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            },
        });

    /// <summary>
    /// The usual scene: a Deployment with <paramref name="replicas"/> running pods, each using <paramref name="cpuMilli"/>
    /// of a 100m request, and a CPU HPA on it (min 1, target 50 %).
    /// </summary>
    public void SeedScaledApp(string name, int replicas, long cpuMilli, int max = 10, string node = "node-a", JsonObject? hpaExtra = null)
    {
        SeedDeployment(name, replicas);
        SeedPods(name, replicas, cpuMilli, node: node);
        SeedHpa(name, 1, max, cpuPercent: 50, extra: hpaExtra);
    }

    /// <summary>Running, ready pods of an app (started 10 minutes before the clock), each using <paramref name="cpuMilli"/> of a 100m request.</summary>
    public void SeedPods(string app, int count, long cpuMilli, string ns = "default", string node = "node-a", int firstIndex = 0)
    {
        var now = Clock.GetUtcNow();
        for (var i = firstIndex; i < firstIndex + count; i++)
        {
            var name = $"{app}-{i}";
            Api.Seed("v1", "pods", new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["uid"] = name + "-uid", ["labels"] = new JsonObject { ["app"] = app } },
                ["spec"] = new JsonObject
                {
                    ["nodeName"] = node,
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "app",
                        ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "100m" } },
                    }),
                },
                ["status"] = new JsonObject
                {
                    ["phase"] = "Running",
                    ["startTime"] = Iso(now.AddMinutes(-10)),
                    ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["lastTransitionTime"] = Iso(now.AddMinutes(-9)) }),
                },
            });
            Metrics.SetPod(ns, name, node, cpuMilli, now);
        }
    }

    /// <summary>Sets every pod of an app to a new CPU usage (sample timestamped now).</summary>
    public void SetUsage(string app, int count, long cpuMilli, string ns = "default", string node = "node-a")
    {
        for (var i = 0; i < count; i++) Metrics.SetPod(ns, $"{app}-{i}", node, cpuMilli, Clock.GetUtcNow());
    }

    public void SeedHpa(string name, int min, int max, int cpuPercent, string ns = "default", JsonObject? extra = null, string targetKind = "Deployment", string target = "")
    {
        var spec = new JsonObject
        {
            ["scaleTargetRef"] = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = targetKind, ["name"] = target.Length > 0 ? target : name },
            ["minReplicas"] = min,
            ["maxReplicas"] = max,
            ["metrics"] = new JsonArray(new JsonObject
            {
                ["type"] = "Resource",
                ["resource"] = new JsonObject { ["name"] = "cpu", ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = cpuPercent } },
            }),
        };
        if (extra is not null)
            foreach (var (k, v) in extra) spec[k] = v?.DeepClone();
        Api.Seed("autoscaling/v2", "horizontalpodautoscalers", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = spec,
        });
    }

    public int Replicas(string deployment, string ns = "default") =>
        Api.Get("apps/v1", "deployments", ns, deployment)!["spec"]!["replicas"]!.GetValue<int>();

    public k8s.Models.V2HorizontalPodAutoscaler Hpa(string name, string ns = "default") =>
        Api.Get<k8s.Models.V2HorizontalPodAutoscaler>("autoscaling/v2", "horizontalpodautoscalers", ns, name)!;

    public k8s.Models.V2HorizontalPodAutoscalerCondition? Condition(string hpa, string type) =>
        Hpa(hpa).Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    public IReadOnlyList<k8s.Models.Corev1Event> Events(string ns = "default") =>
        Api.List("v1", "events", ns).Select(e => k8s.KubernetesJson.Deserialize<k8s.Models.Corev1Event>(e.ToJsonString())).ToList();

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");

    public async ValueTask DisposeAsync()
    {
        foreach (var a in _agents) await a.DisposeAsync();
        await Api.DisposeAsync();
    }
}

/// <summary>One EdgeScaler agent's Scaler: its own client, API health, lease elector and controller.</summary>
public sealed class ScalerAgent : IAsyncDisposable
{
    private readonly ScalerStandInHarness _h;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _caches;

    internal ScalerAgent(ScalerStandInHarness h, string identity, IClusterThermal thermal, ScalerOptions options)
    {
        _h = h;
        Rest = new KubeRest(h.Api.CreateClient(), ownsClient: true);
        Health = new ApiHealth(h.Logs.CreateLogger<ApiHealth>(), h.Clock);
        var le = options.LeaderElection;
        Elector = new LeaseElector(Rest, le.LeaseNamespace, le.LeaseName, identity, le.Timings, h.Clock, h.Logs.CreateLogger("lease"));
        var events = new EventRecorder(Rest, EventRecorder.HpaComponent, identity, h.Clock, h.Logs.CreateLogger<EventRecorder>());
        Controller = new HpaController(Rest, options, [], h.Metrics, thermal, Elector, Health, events, h.Clock, h.Logs);
        _caches = Controller.StartCachesAsync(_stop.Token);
    }

    public KubeRest Rest { get; }
    public ApiHealth Health { get; }
    public LeaseElector Elector { get; }
    public HpaController Controller { get; }

    public Task WaitForCachesAsync() => Controller.WaitForCachesAsync(_stop.Token).WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>Renews/acquires the lease, waits until the caches show what the API holds, then runs one full pass.</summary>
    public async Task<int> PassAsync()
    {
        await Elector.TryAcquireOrRenewAsync(default);
        await CatchUpAsync();
        return await Controller.ReconcilePassAsync(null, default);
    }

    /// <summary>Waits until the controller's caches hold the API's current HPAs and pods (watch delivery is asynchronous).</summary>
    public async Task CatchUpAsync()
    {
        if (!_h.Api.IsUp) return;
        for (var i = 0; i < 400; i++)
        {
            var hpas = _h.Api.List("autoscaling/v2", "horizontalpodautoscalers");
            var current = hpas.All(h =>
            {
                var cached = Controller.CachedHpa(new HpaRef(h["metadata"]!["namespace"]!.GetValue<string>(), h["metadata"]!["name"]!.GetValue<string>()));
                return cached?.Metadata.ResourceVersion == h["metadata"]!["resourceVersion"]!.GetValue<string>();
            });
            if (current && Controller.CachedPodCount == _h.Api.List("v1", "pods").Count) return;
            await Task.Delay(10);
        }
        throw new TimeoutException("controller caches did not catch up with the stand-in");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _caches.WaitAsync(TimeSpan.FromSeconds(5)); } catch (TimeoutException) { }
        Rest.Dispose();
        _stop.Dispose();
    }
}
