namespace EdgeScaler.MetricsApi.Tests;

using EdgeScaler.Core.Metrics;

/// <summary>A cluster view with fixed contents (implements the real interface; swap contents to simulate new samples).</summary>
public sealed class FixedClusterMetrics : IClusterMetrics
{
    private IReadOnlyList<NodeUsage> _nodes = [];
    private IReadOnlyList<PodUsage> _pods = [];

    public bool HasRates { get; set; } = true;

    public IReadOnlyList<NodeUsage> Nodes() => _nodes;

    public IReadOnlyList<PodUsage> Pods() => _pods;

    public void Set(IEnumerable<NodeUsage> nodes, IEnumerable<PodUsage> pods)
    {
        _nodes = nodes.ToList();
        _pods = pods.ToList();
    }

    public static readonly DateTimeOffset SampleTime = new(2026, 8, 30, 10, 0, 5, 400, TimeSpan.Zero);

    /// <summary>Two nodes and a handful of pods in two namespaces, with labels for selector tests.</summary>
    public static FixedClusterMetrics Sample()
    {
        var m = new FixedClusterMetrics();
        var window = TimeSpan.FromMilliseconds(15021);
        m.Set(
            [
                new NodeUsage("edge-2", SampleTime, window, new ResourceUsage(107274740, 1949744L * 1024)) { Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = "edge-2", ["board"] = "pi4" } },
                new NodeUsage("edge-1", SampleTime, window, new ResourceUsage(312457893, 1362696L * 1024)) { Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = "edge-1", ["board"] = "pi5" } },
            ],
            [
                Pod("shop", "web-b", "edge-1", new() { ["app"] = "web", ["tier"] = "fe" }, ("nginx", 2_000_000, 8 * 1024 * 1024), ("sidecar", 1_000, 1024 * 1024)),
                Pod("shop", "web-a", "edge-2", new() { ["app"] = "web", ["tier"] = "fe", ["canary"] = "true" }, ("nginx", 1_500_000_000, 16 * 1024 * 1024)),
                Pod("shop", "db-0", "edge-1", new() { ["app"] = "db", ["tier"] = "be" }, ("postgres", 12345, 2083864L * 1024)),
                Pod("kube-system", "coredns-1", "edge-2", new() { ["k8s-app"] = "kube-dns" }, ("coredns", 4_710_169, 12533760)),
            ]);
        return m;
    }

    public static PodUsage Pod(string ns, string name, string node, Dictionary<string, string> labels, params (string Name, long Cpu, long Mem)[] containers) =>
        new(new PodRef(ns, name, $"uid-{ns}-{name}") { Labels = labels }, node, SampleTime, TimeSpan.FromSeconds(15),
            containers.Select(c => new ContainerUsage(c.Name, new ResourceUsage(c.Cpu, c.Mem))).ToList());
}
