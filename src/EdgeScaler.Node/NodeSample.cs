namespace EdgeScaler.Node;

using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Thermal;

/// <summary>cgroup version and driver as found on the host.</summary>
/// <param name="Version">1 or 2; 0 when no cgroup hierarchy was found.</param>
/// <param name="Driver">"systemd", "cgroupfs", or null when there is no kubepods cgroup (no kubelet running).</param>
/// <param name="MemoryControllerEnabled">False when the memory controller is disabled (Raspberry Pi kernel default).</param>
public sealed record CgroupInfo(int Version, string? Driver, bool MemoryControllerEnabled);

/// <summary>One thermal zone or hwmon sensor. <see cref="Celsius"/> is null when it could not be read (absent).</summary>
/// <param name="Type">Zone type ("cpu-thermal") or "hwmon:&lt;name&gt;[:&lt;label&gt;]".</param>
/// <param name="Path">Host path of the reading.</param>
/// <param name="Counts">Whether the board profile counts this zone toward the SoC temperature.</param>
/// <param name="Skipped">The board profile says this sensor is offline on this board: it was not read.</param>
public sealed record ZoneReading(string Type, string Path, double? Celsius, bool Counts, bool Skipped = false);

/// <summary>One cpufreq policy (kHz).</summary>
/// <param name="KernelCapped">scaling_max_freq below cpuinfo_max_freq: the kernel (thermal or user) capped it.</param>
public sealed record CpuFreqPolicy(string Name, long? CurrentKHz, long? MaxKHz, long? ScalingMaxKHz)
{
    public bool KernelCapped => ScalingMaxKHz is { } s && MaxKHz is { } m && s < m;
}

/// <summary>Everything thermal one sample saw.</summary>
/// <param name="HottestCelsius">Max over readable zones the profile counts (or all, if the profile lists none); null if none.</param>
/// <param name="Flags">Decoded firmware throttle flags; null when the board has no source or it could not be read.</param>
/// <param name="FlagsSource">"get_throttled", "rpi_volt" (under-voltage only), or null.</param>
public sealed record ThermalReading(
    IReadOnlyList<ZoneReading> Zones,
    double? HottestCelsius,
    ThrottleFlags? Flags,
    string? FlagsSource,
    IReadOnlyList<CpuFreqPolicy> CpuFreq);

/// <summary>
/// One sample of a node: cumulative counters (rates need two samples: <see cref="UsageRates.Compute"/>),
/// thermal readings and every problem met. Pods and containers are keyed by UID and container ID; the
/// Kubernetes API supplies names (<see cref="PodRates.ToPodUsage"/>).
/// </summary>
public sealed record NodeSample(
    string BoardId,
    CgroupInfo Cgroups,
    NodeCounters Counters,
    string? NodeCpuSource,
    string? NodeMemorySource,
    ThermalReading Thermal,
    IReadOnlyList<SampleProblem> Problems)
{
    public DateTimeOffset Timestamp => Counters.Timestamp;

    /// <summary>True when some value could not be taken (anything but a pod vanishing mid-read).</summary>
    public bool IsPartial => Problems.Any(p => p.Kind != ProblemKind.Vanished);
}
