namespace EdgeScaler.Core.Metrics;

/// <summary>
/// CPU and memory rates over a window, the unit every consumer of samples speaks:
/// the metrics API serves it, the Scaler reads it, telemetry publishes it.
/// CPU is in nanocores (1e-9 of a core), memory is the working set in bytes.
/// </summary>
public readonly record struct ResourceUsage(long CpuNanoCores, long MemoryWorkingSetBytes);

/// <summary>A node's usage, as metrics-server's NodeMetrics carries it.</summary>
/// <param name="Timestamp">End of the window (the newer of the two samples).</param>
/// <param name="Window">Time between the two samples the rate comes from.</param>
public sealed record NodeUsage(string NodeName, DateTimeOffset Timestamp, TimeSpan Window, ResourceUsage Usage)
{
    /// <summary>The Node object's labels (served in NodeMetrics metadata and matched by label selectors).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = PodRef.EmptyLabels;
}

/// <summary>One container's usage inside a <see cref="PodUsage"/>.</summary>
public sealed record ContainerUsage(string Name, ResourceUsage Usage);

/// <summary>
/// A pod's usage. Only pods with two samples for every container are reported (metrics-server's rule):
/// a pod with a missing container is left out, never reported as zero.
/// </summary>
public sealed record PodUsage(
    PodRef Pod,
    string NodeName,
    DateTimeOffset Timestamp,
    TimeSpan Window,
    IReadOnlyList<ContainerUsage> Containers)
{
    public ResourceUsage Total
    {
        get
        {
            long cpu = 0, mem = 0;
            foreach (var c in Containers) { cpu += c.Usage.CpuNanoCores; mem += c.Usage.MemoryWorkingSetBytes; }
            return new ResourceUsage(cpu, mem);
        }
    }
}

/// <summary>Identity of a pod as the Kubernetes API names it.</summary>
public sealed record PodRef(string Namespace, string Name, string Uid)
{
    public IReadOnlyDictionary<string, string> Labels { get; init; } = EmptyLabels;
    public static readonly IReadOnlyDictionary<string, string> EmptyLabels = new Dictionary<string, string>();
    public override string ToString() => $"{Namespace}/{Name}";
}
