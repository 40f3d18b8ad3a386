namespace EdgeScaler.Scaler.Tests;

using EdgeScaler.Core.Metrics;

/// <summary>A cluster view the test fills by hand (the real one is fed by cgroup samples of every node).</summary>
public sealed class InMemoryClusterMetrics : IClusterMetrics
{
    private readonly object _lock = new();
    private readonly Dictionary<(string, string), PodUsage> _pods = [];

    public bool HasRates { get; set; } = true;

    public IReadOnlyList<NodeUsage> Nodes() => [];

    public IReadOnlyList<PodUsage> Pods()
    {
        lock (_lock) return [.. _pods.Values];
    }

    public void SetPod(string ns, string name, string node, long cpuMilli, DateTimeOffset timestamp)
    {
        lock (_lock)
            _pods[(ns, name)] = new PodUsage(new PodRef(ns, name, name + "-uid"), node, timestamp, TimeSpan.FromSeconds(15),
                [new ContainerUsage("app", new ResourceUsage(cpuMilli * 1_000_000, 64L << 20))]);
    }

    public void RemovePod(string ns, string name)
    {
        lock (_lock) _pods.Remove((ns, name));
    }
}
