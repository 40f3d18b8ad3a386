namespace EdgeScaler.Simulation.Engine;

using EdgeScaler.Core.Thermal;
using EdgeScaler.Simulation.Scenarios;
using EdgeScaler.Simulation.Thermal;

/// <summary>One simulated board: its temperature, clock, throttle flags and the CPU its pods use.</summary>
public sealed class SimNode(NodeSpec spec, double initialCelsius)
{
    public NodeSpec Spec { get; } = spec;
    public string Name => Spec.Name;
    public BoardThermalModel Board => Spec.Board;

    public double Celsius { get; internal set; } = initialCelsius;
    public ThrottleResult Clock { get; internal set; } = new(spec.Board.Throttle.MaxMHz, false, false);
    public double PowerWatts { get; internal set; }

    /// <summary>Busy fraction of all cores over the last tick (what `top` would show).</summary>
    public double Utilization { get; internal set; }

    /// <summary>Cores the pods and system used over the last tick.</summary>
    public double UsedCores { get; internal set; }

    /// <summary>Cumulative CPU time of everything on the node (core-seconds), like the root cgroup's usage_usec.</summary>
    public double CpuSeconds { get; internal set; }

    /// <summary>Sticky firmware bits (get_throttled bits 16–19), cleared only by a reboot.</summary>
    public uint StickyBits { get; internal set; }

    /// <summary>The state the node classifier gave at the last tick.</summary>
    public ThermalState State { get; internal set; } = ThermalState.Unknown;

    public double AllocatableCores => Board.Cores - Spec.SystemCpuCores;

    public long AllocatableMilli => (long)Math.Round(AllocatableCores * 1000);

    /// <summary>get_throttled bits as the Pi firmware would report them now (live + sticky); null on boards without the firmware.</summary>
    public ThrottleFlags? Flags => Board.Throttle.Authority == ThrottleAuthority.PiFirmware ? ThrottleFlags.FromBits(LiveBits | StickyBits) : null;

    internal uint LiveBits => (Clock.FrequencyCapped ? 0x2u : 0) | (Clock.Throttled ? 0x4u : 0) | (Clock.SoftLimitActive ? 0x8u : 0);
}
