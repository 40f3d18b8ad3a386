namespace EdgeScaler.Core.Metrics;

/// <summary>A pod's Kubernetes QoS class, as its cgroup parent tells it (kubepods / burstable / besteffort).</summary>
public enum QosClass
{
    Guaranteed,
    Burstable,
    BestEffort,
}

/// <summary>
/// Pressure stall totals from a cgroup's <c>cpu.pressure</c>, <c>memory.pressure</c>, <c>io.pressure</c>
/// (the cumulative <c>total=</c> fields, in microseconds). Null fields: that file or line was absent.
/// </summary>
public sealed record PressureTotals(
    long? CpuSomeMicroseconds, long? CpuFullMicroseconds,
    long? MemorySomeMicroseconds, long? MemoryFullMicroseconds,
    long? IoSomeMicroseconds, long? IoFullMicroseconds);

/// <summary>
/// One container's cumulative counters at one instant, keyed by the runtime's container ID (64 hex, no
/// "containerd://" prefix). Null means "could not be read" — never a guessed zero.
/// </summary>
public sealed record ContainerCounters(string ContainerId, long? CpuUsageNanoseconds, long? MemoryWorkingSetBytes)
{
    public PressureTotals? Pressure { get; init; }
}

/// <summary>
/// One pod's counters, keyed by pod UID (with dashes, as metadata.uid). The pod cgroup's own totals include
/// the sandbox (pause) container; <see cref="Containers"/> lists every container leaf, sandbox included,
/// since only the Kubernetes API knows which ID is which.
/// </summary>
public sealed record PodCounters(
    string Uid,
    QosClass Qos,
    long? CpuUsageNanoseconds,
    long? MemoryWorkingSetBytes,
    IReadOnlyList<ContainerCounters> Containers)
{
    public PressureTotals? Pressure { get; init; }
}

/// <summary>Everything cumulative one node sample produced; rates come from two of these (<see cref="UsageRates"/>).</summary>
/// <param name="Timestamp">When the sample was taken (the caller's clock).</param>
/// <param name="CpuUsageNanoseconds">Node CPU time used since boot, null if unreadable.</param>
/// <param name="MemoryWorkingSetBytes">Node working set, null if unreadable.</param>
public sealed record NodeCounters(
    DateTimeOffset Timestamp,
    long? CpuUsageNanoseconds,
    long? MemoryWorkingSetBytes,
    IReadOnlyList<PodCounters> Pods);
