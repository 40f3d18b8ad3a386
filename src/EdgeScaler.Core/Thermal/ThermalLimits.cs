namespace EdgeScaler.Core.Thermal;

/// <summary>
/// Where a board turns warm, hot and critical (°C), how far it must cool below a limit to step back down,
/// and how much the temperature is smoothed. Comes from the board profile; config may override it.
/// </summary>
/// <param name="Smoothing">Time constant of the exponential moving average; zero means no smoothing.</param>
public sealed record ThermalLimits(double WarmCelsius, double HotCelsius, double CriticalCelsius, double HysteresisCelsius, TimeSpan Smoothing)
{
    /// <summary>Problems with these limits (empty when usable): they must rise warm &lt; hot &lt; critical, hysteresis ≥ 0.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!(WarmCelsius < HotCelsius && HotCelsius < CriticalCelsius))
            problems.Add($"limits must rise warm < hot < critical (got {WarmCelsius}, {HotCelsius}, {CriticalCelsius})");
        if (!(HysteresisCelsius >= 0) || double.IsInfinity(HysteresisCelsius)) problems.Add($"hysteresis must be >= 0 (got {HysteresisCelsius})");
        if (Smoothing < TimeSpan.Zero) problems.Add($"smoothing must be >= 0 (got {Smoothing})");
        return problems;
    }

    public double LimitOf(ThermalState state) => state switch
    {
        ThermalState.Warm => WarmCelsius,
        ThermalState.Hot => HotCelsius,
        ThermalState.Critical => CriticalCelsius,
        _ => double.NegativeInfinity,
    };
}
