namespace EdgeScaler.Core.Metrics;

/// <summary>A container's rates over one window. CPU is null when <see cref="CpuRejection"/> says why.</summary>
public sealed record ContainerRates(string ContainerId, long? CpuNanoCores, long? MemoryWorkingSetBytes, RateRejection CpuRejection);

/// <summary>A pod's rates over one window, keyed by UID; the pod cgroup's own totals plus every container leaf.</summary>
public sealed record PodRates(string Uid, QosClass Qos, long? CpuNanoCores, long? MemoryWorkingSetBytes, IReadOnlyList<ContainerRates> Containers)
{
    /// <summary>Why the pod cgroup's own <see cref="CpuNanoCores"/> is null (None when it is not).</summary>
    public RateRejection CpuRejection { get; init; }

    /// <summary>
    /// Names this pod for the metrics API: <paramref name="containers"/> are the pod's containers as the
    /// Kubernetes API lists them (status.containerStatuses: containerID → name). Returns null — the pod is
    /// left out, never reported as zero — when any of them has no CPU rate or no memory reading yet
    /// (metrics-server's rule). Leaves the API does not list (the sandbox/pause container) are ignored.
    /// </summary>
    public PodUsage? ToPodUsage(PodRef pod, string nodeName, DateTimeOffset timestamp, TimeSpan window, IReadOnlyList<(string ContainerId, string Name)> containers)
    {
        if (containers.Count == 0) return null;
        var named = new List<ContainerUsage>(containers.Count);
        foreach (var (rawId, name) in containers)
        {
            var id = ContainerIds.Normalize(rawId);
            ContainerRates? match = null;
            foreach (var c in Containers) if (c.ContainerId == id) { match = c; break; }
            if (match is not { CpuNanoCores: { } cpu, MemoryWorkingSetBytes: { } mem }) return null;
            named.Add(new ContainerUsage(name, new ResourceUsage(cpu, mem)));
        }
        return new PodUsage(pod, nodeName, timestamp, window, named);
    }
}

/// <summary>Rates for a whole node from two <see cref="NodeCounters"/>.</summary>
/// <param name="Timestamp">The newer sample's time.</param>
/// <param name="Window">Time between the two samples.</param>
/// <param name="Cpu">Node CPU rate (or why there is none).</param>
/// <param name="MemoryWorkingSetBytes">Newer sample's node working set (a gauge, not a rate).</param>
public sealed record NodeRates(DateTimeOffset Timestamp, TimeSpan Window, CpuRate Cpu, long? MemoryWorkingSetBytes, IReadOnlyList<PodRates> Pods)
{
    /// <summary>The node's usage for the metrics API, or null when CPU or memory is missing.</summary>
    public ResourceUsage? NodeUsage => Cpu.NanoCores is { } cpu && MemoryWorkingSetBytes is { } mem ? new ResourceUsage(cpu, mem) : null;

    public PodRates? FindPod(string uid)
    {
        foreach (var p in Pods) if (p.Uid == uid) return p;
        return null;
    }
}

/// <summary>Pure: pairs two node samples by pod UID and container ID and turns counters into rates.</summary>
public static class UsageRates
{
    /// <summary>
    /// Pods and containers in <paramref name="current"/> are reported; ones that only exist in
    /// <paramref name="previous"/> (deleted) are dropped. A container ID not seen before (new or restarted
    /// container: the runtime gives a restart a new ID) has no CPU rate for this window.
    /// </summary>
    public static NodeRates Compute(NodeCounters previous, NodeCounters current)
    {
        var node = CpuRateMath.Compute(previous.CpuUsageNanoseconds, previous.Timestamp, current.CpuUsageNanoseconds, current.Timestamp);
        var previousPods = new Dictionary<string, PodCounters>(previous.Pods.Count, StringComparer.Ordinal);
        foreach (var p in previous.Pods) previousPods[p.Uid] = p;

        var pods = new List<PodRates>(current.Pods.Count);
        foreach (var pod in current.Pods)
        {
            previousPods.TryGetValue(pod.Uid, out var before);
            var podCpu = CpuRateMath.Compute(before?.CpuUsageNanoseconds, previous.Timestamp, pod.CpuUsageNanoseconds, current.Timestamp);
            var containers = new List<ContainerRates>(pod.Containers.Count);
            foreach (var c in pod.Containers)
            {
                ContainerCounters? prior = null;
                if (before is not null) foreach (var b in before.Containers) if (b.ContainerId == c.ContainerId) { prior = b; break; }
                var cpu = CpuRateMath.Compute(prior?.CpuUsageNanoseconds, previous.Timestamp, c.CpuUsageNanoseconds, current.Timestamp);
                containers.Add(new ContainerRates(c.ContainerId, cpu.NanoCores, c.MemoryWorkingSetBytes, cpu.Rejection));
            }
            pods.Add(new PodRates(pod.Uid, pod.Qos, podCpu.NanoCores, pod.MemoryWorkingSetBytes, containers) { CpuRejection = podCpu.Rejection });
        }
        return new NodeRates(current.Timestamp, current.Timestamp - previous.Timestamp, node, current.MemoryWorkingSetBytes, pods);
    }
}

/// <summary>Container IDs as cgroups name them (bare 64 hex) versus as the Kubernetes API does ("containerd://…").</summary>
public static class ContainerIds
{
    /// <summary>Strips a runtime scheme such as "containerd://", "docker://" or "cri-o://".</summary>
    public static string Normalize(string id)
    {
        var i = id.IndexOf("://", StringComparison.Ordinal);
        return i >= 0 ? id[(i + 3)..] : id;
    }
}
