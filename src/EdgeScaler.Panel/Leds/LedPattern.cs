namespace EdgeScaler.Panel.Leds;

public enum LedPatternKind : byte
{
    Off,
    On,
    /// <summary>1 Hz, half on.</summary>
    BlinkSlow,
    /// <summary>4 Hz, half on.</summary>
    BlinkFast,
    /// <summary>4 Hz, opposite phase to <see cref="BlinkFast"/> (two LEDs alternate).</summary>
    BlinkFastInverse,
    /// <summary>Two short flashes every 1.6 s (a heartbeat).</summary>
    DoubleFlash,
    /// <summary>N short blinks, then a 1 s pause: a blink code (N = <see cref="LedPattern.Count"/>).</summary>
    Code,
}

/// <summary>How one LED behaves over time. A value; <see cref="LevelAt"/> turns it into on/off at an instant.</summary>
public readonly record struct LedPattern(LedPatternKind Kind, int Count = 0)
{
    public static readonly LedPattern Off = new(LedPatternKind.Off);
    public static readonly LedPattern On = new(LedPatternKind.On);
    public static readonly LedPattern BlinkSlow = new(LedPatternKind.BlinkSlow);
    public static readonly LedPattern BlinkFast = new(LedPatternKind.BlinkFast);
    public static readonly LedPattern BlinkFastInverse = new(LedPatternKind.BlinkFastInverse);
    public static readonly LedPattern DoubleFlash = new(LedPatternKind.DoubleFlash);

    public static LedPattern Code(int count) => new(LedPatternKind.Code, Math.Clamp(count, 1, 9));

    private const long Ms = TimeSpan.TicksPerMillisecond;

    /// <summary>Whether the LED is lit at <paramref name="clock"/> (any monotonic time; all LEDs share it so they blink in step).</summary>
    public bool LevelAt(TimeSpan clock)
    {
        var t = clock.Ticks;
        switch (Kind)
        {
            case LedPatternKind.On: return true;
            case LedPatternKind.BlinkSlow: return t % (1000 * Ms) < 500 * Ms;
            case LedPatternKind.BlinkFast: return t % (250 * Ms) < 125 * Ms;
            case LedPatternKind.BlinkFastInverse: return t % (250 * Ms) >= 125 * Ms;
            case LedPatternKind.DoubleFlash:
                var d = t % (1600 * Ms);
                return d < 100 * Ms || (d >= 300 * Ms && d < 400 * Ms);
            case LedPatternKind.Code:
                var blinks = Count * 500 * Ms;
                var c = t % (blinks + 1000 * Ms);
                return c < blinks && c % (500 * Ms) < 250 * Ms;
            default: return false;
        }
    }

    /// <summary>The name used in docs/panel.md.</summary>
    public override string ToString() => Kind switch
    {
        LedPatternKind.Off => "off",
        LedPatternKind.On => "on",
        LedPatternKind.BlinkSlow => "slow",
        LedPatternKind.BlinkFast => "fast",
        LedPatternKind.BlinkFastInverse => "fast-alt",
        LedPatternKind.DoubleFlash => "double",
        _ => $"code-{Count}",
    };
}

/// <summary>The three LEDs' patterns at once.</summary>
public readonly record struct LedFrame(LedPattern Green, LedPattern Amber, LedPattern Red)
{
    public override string ToString() => $"{Green} {Amber} {Red}";
}
