namespace EdgeScaler.Simulation.Thermal;

/// <summary>The clock the board runs at after throttling, and the flags firmware would report.</summary>
public readonly record struct ThrottleResult(int FrequencyMHz, bool SoftLimitActive, bool Throttled)
{
    /// <summary>Any cap below the top clock (what get_throttled bit 1 reports).</summary>
    public bool FrequencyCapped => SoftLimitActive || Throttled;
}

/// <summary>
/// The first-order (single RC) thermal model. Pure functions, so tests can check them against hand-computed values.
/// <list type="bullet">
/// <item>Power: P = P_idle + (P_full − P_idle) · u · (f / f_max)². u is the busy fraction of all cores. Dynamic power is
/// f·V², and DVFS lowers V with f, so f² is a middle ground (f³ would be the textbook upper bound).</item>
/// <item>Steady state: T∞ = T_ambient + P · R.</item>
/// <item>Step over dt (exact solution of dT/dt = (T∞ − T)/τ with P held over the step): T' = T∞ + (T − T∞) · e^(−dt/τ).</item>
/// </list>
/// </summary>
public static class ThermalModel
{
    public static double PowerWatts(BoardThermalModel board, double busyFraction, int frequencyMHz)
    {
        var u = Math.Clamp(busyFraction, 0, 1);
        var f = (double)frequencyMHz / board.Throttle.MaxMHz;
        return board.IdleWatts + (board.FullLoadWatts - board.IdleWatts) * u * f * f;
    }

    public static double SteadyStateCelsius(double ambientCelsius, double powerWatts, CoolingParameters cooling) =>
        ambientCelsius + powerWatts * cooling.ThermalResistance;

    public static double Step(double celsius, double ambientCelsius, double powerWatts, CoolingParameters cooling, double dtSeconds)
    {
        var target = SteadyStateCelsius(ambientCelsius, powerWatts, cooling);
        return target + (celsius - target) * Math.Exp(-dtSeconds / cooling.TimeConstant);
    }

    /// <summary>
    /// The clock at <paramref name="celsius"/>. Between the progressive and hard limits the firmware aims for a clock that
    /// falls linearly from f_max to f_min and picks the highest DVFS step at or below it — always at least one step below
    /// f_max, because "throttled" means the clock went down.
    /// </summary>
    public static ThrottleResult Throttle(ThrottleSpec spec, double celsius)
    {
        var soft = spec.SoftLimitCelsius is { } s && celsius >= s;
        var ceiling = soft && spec.SoftLimitMHz is { } softMHz ? softMHz : spec.MaxMHz;
        if (celsius >= spec.HardCelsius) return new ThrottleResult(spec.MinMHz, soft, true);
        if (celsius >= spec.ProgressiveFromCelsius)
        {
            var fraction = (celsius - spec.ProgressiveFromCelsius) / (spec.HardCelsius - spec.ProgressiveFromCelsius);
            var aim = spec.MaxMHz - fraction * (spec.MaxMHz - spec.MinMHz);
            var chosen = spec.MinMHz;
            foreach (var step in spec.StepsMHz)
            {
                if (step < spec.MaxMHz && step <= aim && step <= ceiling) { chosen = step; break; }
            }
            return new ThrottleResult(chosen, soft, true);
        }
        return new ThrottleResult(ceiling, soft, false);
    }
}
