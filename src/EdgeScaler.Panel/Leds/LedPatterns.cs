namespace EdgeScaler.Panel.Leds;

using EdgeScaler.Core.Agent;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;

/// <summary>
/// The panel's LED table (docs/panel.md) as one pure function of the agent's state. A short-lived indication
/// takes over all three LEDs first; then a lost API/leader blinks all three; otherwise each LED shows its own
/// channel: green = autoscaling health, amber = overrides, red = heat and alarms.
/// </summary>
public static class LedPatterns
{
    public static LedFrame Compute(AgentStatus status, HpaRef? target, PanelIndication indication, DateTimeOffset now)
    {
        if (indication.ActiveAt(now))
        {
            switch (indication.Kind)
            {
                case IndicationKind.Refused: return new(LedPattern.Off, LedPattern.BlinkFast, LedPattern.BlinkFastInverse);
                case IndicationKind.Selected: return new(LedPattern.Off, LedPattern.Code(indication.TargetNumber), LedPattern.Off);
                case IndicationKind.Acknowledged: return new(LedPattern.BlinkFast, LedPattern.Off, LedPattern.Off);
            }
        }

        if (!status.ApiReachable || status.LeaderMissing)
            return new(LedPattern.BlinkSlow, LedPattern.BlinkSlow, LedPattern.BlinkSlow);

        var hot = status.WorstThermalState >= ThermalState.Hot;
        var green = hot ? LedPattern.Off : status.ScalingInProgress ? LedPattern.BlinkSlow : LedPattern.On;

        var amber = TargetOverridden(status, target) ? LedPattern.On
            : status.AnyOverrideActive ? LedPattern.BlinkSlow
            : LedPattern.Off;

        var red = status.WorstThermalState switch
        {
            ThermalState.Critical => LedPattern.BlinkFast,
            ThermalState.Hot => LedPattern.On,
            ThermalState.Warm => LedPattern.BlinkSlow,
            _ => status.AlarmUnacknowledged ? LedPattern.DoubleFlash : LedPattern.Off,
        };
        return new(green, amber, red);
    }

    /// <summary>The target's latest decision says it is pinned by an override.</summary>
    public static bool TargetOverridden(AgentStatus status, HpaRef? target)
    {
        if (target is not { } t) return false;
        foreach (var d in status.Decisions)
            if (d.Hpa == t && d.Mode == ScaleMode.Override) return true;
        return false;
    }
}
