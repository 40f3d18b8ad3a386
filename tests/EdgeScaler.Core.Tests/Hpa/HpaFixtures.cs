namespace EdgeScaler.Core.Tests.Hpa;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Units;

/// <summary>Builders for algorithm inputs: pods that started long ago and are Ready unless a test says otherwise.</summary>
internal static class Fx
{
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset LongAgo = Now.AddHours(-1);

    public static PodInfo Pod(string name, long cpuRequestMilli = 1000, PodPhase phase = PodPhase.Running, bool ready = true,
        DateTimeOffset? start = null, DateTimeOffset? readyTransition = null, bool deleting = false, string? node = null, long? memoryRequestBytes = null)
    {
        var s = start ?? LongAgo;
        var requests = new Dictionary<string, Quantity> { ["cpu"] = Quantity.FromMilli(cpuRequestMilli) };
        if (memoryRequestBytes is { } mem) requests["memory"] = Quantity.FromValue(mem, QuantityFormat.BinarySI);
        return new PodInfo(name, phase, s,
            new PodReadyCondition(ready ? ConditionStatus.True : ConditionStatus.False, readyTransition ?? s.AddSeconds(10)),
            [new ContainerRequests("app", requests)], node, deleting);
    }

    /// <summary>n ready pods "p0".."p(n-1)" with the given cpu requests (milli).</summary>
    public static List<PodInfo> Pods(params long[] requestsMilli) => requestsMilli.Select((r, i) => Pod($"p{i}", r)).ToList();

    /// <summary>PodMetrics with cpu usage per pod in millicores; a null entry means the pod has no sample.</summary>
    public static HpaMetricsSnapshot CpuUsage(params long?[] milli) => new()
    {
        PodMetrics = milli.Select((m, i) => (m, i)).Where(x => x.m.HasValue)
            .Select(x => new PodUsageSample($"p{x.i}", Now, TimeSpan.FromMinutes(1), [new ContainerUsageSample("app", Quantity.FromMilli(x.m!.Value), Quantity.FromValue(1 << 20))]))
            .ToList(),
    };

    /// <summary>A custom Pods metric per pod (values in milli-units).</summary>
    public static HpaMetricsSnapshot PodsMetric(string name, params long?[] milli) => new()
    {
        Custom = new Dictionary<string, IReadOnlyList<CustomMetricValue>>
        {
            [name] = milli.Select((m, i) => (m, i)).Where(x => x.m.HasValue)
                .Select(x => new CustomMetricValue("Pod", $"p{x.i}", Quantity.FromMilli(x.m!.Value), Now)).ToList(),
        },
    };

    public static HpaSpec Spec(int? min, int max, HpaBehavior? behavior = null, params MetricSpec[] metrics) =>
        new(new ScaleTargetRef("Deployment", "web", "apps/v1"), min, max, metrics, behavior);

    public static HpaInput Input(HpaSpec spec, int current, IReadOnlyList<PodInfo> pods, IHpaMetricsSource metrics,
        HpaHistory? history = null, DateTimeOffset? now = null, int? statusReplicas = null) =>
        new(new HpaObject(new HpaRef("default", "web"), HpaObject.NoAnnotations, spec),
            new ScaleInfo(current, statusReplicas ?? current, "app=web"),
            pods, metrics, history ?? HpaHistory.Empty, now ?? Now);

    public static ReplicaCalculator Calc(IReadOnlyList<PodInfo> pods, double tolerance = 0.1) =>
        new(pods, new Tolerances(tolerance, tolerance), HpaSettings.Default, Now);
}
