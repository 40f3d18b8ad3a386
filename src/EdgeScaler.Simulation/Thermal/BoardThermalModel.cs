namespace EdgeScaler.Simulation.Thermal;

/// <summary>How a simulated board is cooled. Each option has its own thermal resistance and time constant.</summary>
public enum Cooling { None, Heatsink, Fan }

/// <summary>
/// Heat path from SoC to air. <see cref="ThermalResistance"/> (K/W): the steady-state rise above ambient per watt.
/// <see cref="TimeConstant"/> (s): how fast the temperature closes the gap to its steady state (63 % per time constant).
/// </summary>
public sealed record CoolingParameters(double ThermalResistance, double TimeConstant);

/// <summary>Who lowers the clock when hot: the Pi's VideoCore firmware (reports get_throttled bits) or the kernel's cpufreq cooling.</summary>
public enum ThrottleAuthority { PiFirmware, KernelCpufreq }

/// <summary>
/// The clock a board runs at as its temperature rises.
/// Below <see cref="SoftLimitCelsius"/> (if any) and <see cref="ProgressiveFromCelsius"/> the CPU runs at <see cref="MaxMHz"/>.
/// At the soft limit the clock is capped at <see cref="SoftLimitMHz"/> (3B+: 1.4 → 1.2 GHz).
/// From <see cref="ProgressiveFromCelsius"/> to <see cref="HardCelsius"/> it is lowered step by step through
/// <see cref="StepsMHz"/>; at <see cref="HardCelsius"/> and above it runs at the lowest step.
/// </summary>
public sealed record ThrottleSpec(
    ThrottleAuthority Authority,
    IReadOnlyList<int> StepsMHz,
    double ProgressiveFromCelsius,
    double HardCelsius,
    double? SoftLimitCelsius = null,
    int? SoftLimitMHz = null)
{
    /// <summary>Highest DVFS step.</summary>
    public int MaxMHz => StepsMHz[0];

    /// <summary>Lowest DVFS step (the hard-throttle clock).</summary>
    public int MinMHz => StepsMHz[^1];
}

/// <summary>
/// First-order thermal parameters of one board: power between idle and all cores busy, the heat path per cooling
/// option, how it throttles, and where the numbers came from.
/// </summary>
public sealed record BoardThermalModel(
    string BoardId,
    string DisplayName,
    int Cores,
    long MemoryBytes,
    double IdleWatts,
    double FullLoadWatts,
    IReadOnlyDictionary<Cooling, CoolingParameters> CoolingOptions,
    ThrottleSpec Throttle,
    string Sources)
{
    public CoolingParameters For(Cooling cooling) =>
        CoolingOptions.TryGetValue(cooling, out var p) ? p : CoolingOptions[Cooling.None];
}
