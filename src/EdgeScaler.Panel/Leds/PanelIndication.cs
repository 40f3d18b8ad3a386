namespace EdgeScaler.Panel.Leds;

public enum IndicationKind : byte { None, Refused, Selected, Acknowledged }

/// <summary>
/// A short-lived answer to a button press that takes over the LEDs for a moment: a refused press, the newly
/// selected target's number, or an acknowledged alarm.
/// </summary>
public readonly record struct PanelIndication(IndicationKind Kind, int TargetNumber, DateTimeOffset Until)
{
    public static readonly PanelIndication None = default;

    public static readonly TimeSpan RefusedFor = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan AcknowledgedFor = TimeSpan.FromSeconds(1);

    public static PanelIndication Refused(DateTimeOffset now) => new(IndicationKind.Refused, 0, now + RefusedFor);

    public static PanelIndication Acknowledged(DateTimeOffset now) => new(IndicationKind.Acknowledged, 0, now + AcknowledgedFor);

    /// <summary>Shows the blink code for target <paramref name="number"/> (1-based) three times over.</summary>
    public static PanelIndication Selected(int number, DateTimeOffset now) =>
        new(IndicationKind.Selected, number, now + TimeSpan.FromMilliseconds(3 * (Math.Clamp(number, 1, 9) * 500 + 1000)));

    public bool ActiveAt(DateTimeOffset now) => Kind != IndicationKind.None && now < Until;
}
