namespace EdgeScaler.Simulation.Model;

/// <summary>
/// A value over simulated time: request demand (requests/s) or ambient temperature (°C).
/// <paramref name="elapsed"/> is time since the scenario started; <paramref name="timeOfDay"/> is the simulated wall clock
/// (for daily curves that peak at a given hour).
/// </summary>
public abstract record Curve
{
    public abstract double ValueAt(TimeSpan elapsed, TimeSpan timeOfDay);
}

public sealed record ConstantCurve(double Value) : Curve
{
    public override double ValueAt(TimeSpan elapsed, TimeSpan timeOfDay) => Value;
}

/// <summary>Holds each step's value from its start until the next step (a staircase).</summary>
public sealed record StepsCurve(IReadOnlyList<(TimeSpan At, double Value)> Steps) : Curve
{
    public override double ValueAt(TimeSpan elapsed, TimeSpan timeOfDay)
    {
        var v = Steps.Count > 0 ? Steps[0].Value : 0;
        foreach (var (at, value) in Steps)
        {
            if (elapsed >= at) v = value; else break;
        }
        return v;
    }
}

/// <summary>
/// A load test such as `ab -c 1000`: <see cref="Base"/> until <see cref="At"/>, then <see cref="Peak"/> for
/// <see cref="Length"/> (reached linearly over <see cref="Ramp"/>, zero for a wall of clients), then back to base.
/// </summary>
public sealed record SpikeCurve(double Base, double Peak, TimeSpan At, TimeSpan Length, TimeSpan Ramp) : Curve
{
    public override double ValueAt(TimeSpan elapsed, TimeSpan timeOfDay)
    {
        if (elapsed < At || elapsed >= At + Length) return Base;
        var into = elapsed - At;
        if (Ramp > TimeSpan.Zero && into < Ramp) return Base + (Peak - Base) * (into.TotalSeconds / Ramp.TotalSeconds);
        return Peak;
    }
}

/// <summary>A sine with its maximum at <see cref="PeakAt"/> (time of day), e.g. a daily temperature or traffic cycle.</summary>
public sealed record SineCurve(double Mean, double Amplitude, TimeSpan Period, TimeSpan PeakAt) : Curve
{
    public override double ValueAt(TimeSpan elapsed, TimeSpan timeOfDay)
    {
        var phase = (timeOfDay - PeakAt).TotalSeconds / Period.TotalSeconds;
        return Mean + Amplitude * Math.Cos(2 * Math.PI * phase);
    }
}

/// <summary>The sum of several curves, e.g. a daily sine plus a spike.</summary>
public sealed record SumCurve(IReadOnlyList<Curve> Parts) : Curve
{
    public override double ValueAt(TimeSpan elapsed, TimeSpan timeOfDay)
    {
        double s = 0;
        foreach (var p in Parts) s += p.ValueAt(elapsed, timeOfDay);
        return s;
    }
}
