namespace EdgeScaler.Simulation.Engine;

using EdgeScaler.Core.Metrics;

/// <summary>
/// The simulated cluster's nodes, workloads and pods, and its metrics as metrics-server would report them:
/// CPU rates from two cumulative samples one resolution apart, only for pods with a running container in both.
/// Implements <see cref="IClusterMetrics"/>, so the real metrics API and Scaler read it like a real cluster view.
/// Safe to read from other threads: the snapshots are immutable and swapped whole.
/// </summary>
public sealed class SimulatedCluster : IClusterMetrics
{
    private readonly Dictionary<string, (DateTimeOffset At, double CpuSeconds)> _lastPodSample = [];
    private readonly Dictionary<string, (DateTimeOffset At, double CpuSeconds)> _lastNodeSample = [];
    private volatile Snapshot _snapshot = new([], [], false);

    private sealed record Snapshot(IReadOnlyList<NodeUsage> Nodes, IReadOnlyList<PodUsage> Pods, bool HasRates);

    public SimulatedCluster(IReadOnlyList<SimNode> nodes, IReadOnlyList<SimWorkload> workloads)
    {
        Nodes = nodes;
        Workloads = workloads;
    }

    public IReadOnlyList<SimNode> Nodes { get; }
    public IReadOnlyList<SimWorkload> Workloads { get; }

    public IEnumerable<SimPod> AllPods => Workloads.SelectMany(w => w.Pods);

    public bool HasRates => _snapshot.HasRates;

    IReadOnlyList<NodeUsage> IClusterMetrics.Nodes() => _snapshot.Nodes;

    IReadOnlyList<PodUsage> IClusterMetrics.Pods() => _snapshot.Pods;

    /// <summary>Takes a sample of every cumulative counter and publishes rates against the previous sample.</summary>
    internal void Sample(DateTimeOffset now)
    {
        var nodes = new List<NodeUsage>(Nodes.Count);
        foreach (var n in Nodes)
        {
            if (_lastNodeSample.TryGetValue(n.Name, out var prev) && now > prev.At)
            {
                var window = now - prev.At;
                var memory = n.Workloads(this).Sum(p => p.Workload.Spec.Pod.MemoryWorkingSetBytes) + (256L << 20);
                nodes.Add(new NodeUsage(n.Name, now, window, new ResourceUsage(Nanocores(n.CpuSeconds - prev.CpuSeconds, window), memory)));
            }
            _lastNodeSample[n.Name] = (now, n.CpuSeconds);
        }

        var pods = new List<PodUsage>();
        var alive = new HashSet<string>();
        foreach (var w in Workloads)
        foreach (var p in w.Pods)
        {
            if (!p.HasContainer || p.Node is null) continue;
            alive.Add(p.Uid);
            if (_lastPodSample.TryGetValue(p.Uid, out var prev) && now > prev.At)
            {
                var window = now - prev.At;
                var usage = new ResourceUsage(Nanocores(p.CpuSeconds - prev.CpuSeconds, window), w.Spec.Pod.MemoryWorkingSetBytes);
                var podRef = new PodRef(w.Spec.Namespace, p.Name, p.Uid) { Labels = w.Labels };
                pods.Add(new PodUsage(podRef, p.Node.Name, now, window, [new ContainerUsage("app", usage)]));
            }
            _lastPodSample[p.Uid] = (now, p.CpuSeconds);
        }
        foreach (var gone in _lastPodSample.Keys.Where(k => !alive.Contains(k)).ToList()) _lastPodSample.Remove(gone);
        _snapshot = new Snapshot(nodes, pods, HasRates || nodes.Count > 0);
    }

    private static long Nanocores(double cpuSeconds, TimeSpan window) => (long)Math.Round(cpuSeconds / window.TotalSeconds * 1e9);
}

internal static class SimNodeExtensions
{
    public static IEnumerable<SimPod> Workloads(this SimNode node, SimulatedCluster cluster) =>
        cluster.AllPods.Where(p => p.Node == node && p.HasContainer);
}
