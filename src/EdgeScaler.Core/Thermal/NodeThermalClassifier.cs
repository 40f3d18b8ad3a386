namespace EdgeScaler.Core.Thermal;

/// <summary>
/// Turns a node's hottest relevant zone temperature and its firmware flags into cool / warm / hot / critical.
/// Pure (no IO, time passed in) but stateful: it keeps the smoothed temperature and the last state.
/// <list type="bullet">
/// <item>Smoothing: an exponential moving average with the profile's time constant, so uneven sampling
/// intervals weigh correctly and one noisy reading does not flip the state.</item>
/// <item>Hysteresis: a state is entered at its limit and left only below limit − hysteresis.</item>
/// <item>A raw reading at or above the critical limit is critical at once — safety does not wait for the average.</item>
/// <item>Firmware flags: throttled or frequency-capped now ⇒ at least hot (the node is running slow,
/// whatever the cause); soft temperature limit now ⇒ at least warm. Under-voltage alone is not thermal.</item>
/// <item>No reading: the smoothed value is kept for a while (<see cref="StaleAfter"/>); after that the
/// temperature part is unknown and only flags speak. No temperature and no flags ⇒ <see cref="ThermalState.Unknown"/>.</item>
/// </list>
/// </summary>
public sealed class NodeThermalClassifier
{
    private DateTimeOffset _lastReadingAt = DateTimeOffset.MinValue;
    private ThermalState _temperatureState = ThermalState.Unknown;

    public NodeThermalClassifier(ThermalLimits limits)
    {
        var problems = limits.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems), nameof(limits));
        Limits = limits;
    }

    public ThermalLimits Limits { get; }

    /// <summary>Smoothed hottest temperature, null before the first reading or once it went stale.</summary>
    public double? SmoothedCelsius { get; private set; }

    public ThermalState State { get; private set; } = ThermalState.Unknown;

    /// <summary>How long a smoothed temperature stays usable without new readings: 3 time constants, at least a minute.</summary>
    public TimeSpan StaleAfter => Limits.Smoothing * 3 > TimeSpan.FromMinutes(1) ? Limits.Smoothing * 3 : TimeSpan.FromMinutes(1);

    public ThermalState Update(double? hottestCelsius, ThrottleFlags? flags, DateTimeOffset now)
    {
        var raw = hottestCelsius is { } h && double.IsFinite(h) ? h : (double?)null;
        if (raw is { } t)
        {
            if (SmoothedCelsius is { } s && Limits.Smoothing > TimeSpan.Zero)
            {
                // A reading at the same instant (or out of order) adds no weight.
                var elapsed = Math.Max(0, (now - _lastReadingAt).TotalSeconds);
                var alpha = 1 - Math.Exp(-elapsed / Limits.Smoothing.TotalSeconds);
                SmoothedCelsius = s + alpha * (t - s);
            }
            else
            {
                SmoothedCelsius = t;
            }
            if (now > _lastReadingAt) _lastReadingAt = now;
            _temperatureState = Step(_temperatureState, SmoothedCelsius!.Value, Limits);
            if (t >= Limits.CriticalCelsius) _temperatureState = ThermalState.Critical;
        }
        else if (SmoothedCelsius is not null && now - _lastReadingAt > StaleAfter)
        {
            SmoothedCelsius = null;
            _temperatureState = ThermalState.Unknown;
        }

        State = Combine(_temperatureState, flags);
        return State;
    }

    /// <summary>One hysteresis step from <paramref name="current"/> given temperature <paramref name="celsius"/>.</summary>
    public static ThermalState Step(ThermalState current, double celsius, ThermalLimits limits)
    {
        var up = LevelAt(celsius, limits, 0);
        if (current == ThermalState.Unknown || up >= current) return up;
        // Falling: stay at the highest level at or below the current one whose (limit − hysteresis) is still reached.
        var down = LevelAt(celsius, limits, limits.HysteresisCelsius);
        return down < current ? down : current;
    }

    private static ThermalState LevelAt(double celsius, ThermalLimits limits, double hysteresis) =>
        celsius >= limits.CriticalCelsius - hysteresis ? ThermalState.Critical
        : celsius >= limits.HotCelsius - hysteresis ? ThermalState.Hot
        : celsius >= limits.WarmCelsius - hysteresis ? ThermalState.Warm
        : ThermalState.Cool;

    /// <summary>Raises a temperature-derived state to what the firmware flags say at least.</summary>
    public static ThermalState Combine(ThermalState fromTemperature, ThrottleFlags? flags)
    {
        var floor = flags switch
        {
            { ThrottledNow: true } or { FrequencyCappedNow: true } => ThermalState.Hot,
            { SoftTempLimitNow: true } => ThermalState.Warm,
            not null => ThermalState.Cool,
            null => ThermalState.Unknown,
        };
        return fromTemperature > floor ? fromTemperature : floor;
    }
}
