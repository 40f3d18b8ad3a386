namespace EdgeScaler.Panel;

using EdgeScaler.Core.Configuration;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Units;
using EdgeScaler.Panel.Wiring;

/// <summary>
/// The `panel` section of edgescaler.json. Every wiring field is optional: what is left out comes from the board
/// profile's defaults. With <see cref="Enabled"/> false (the default) the agent never touches GPIO.
/// </summary>
public sealed class PanelOptions : IValidatedOptions
{
    /// <summary>Drive a panel at all. Off by default: no panel configured, no GPIO touched.</summary>
    public bool Enabled { get; set; }

    /// <summary>Which gpiochip: by label and/or line count, never by number (numbers move between kernels).</summary>
    public PanelChipOptions Chip { get; set; } = new();

    public PanelLedsOptions Leds { get; set; } = new();

    public PanelButtonsOptions Buttons { get; set; } = new();

    /// <summary>
    /// HPAs ("namespace/name") the panel may touch. One entry: the panel drives that HPA. Several: `select` cycles
    /// through them. Empty: every HPA the agent reports, in name order.
    /// </summary>
    public List<string> Targets { get; set; } = [];

    /// <summary>A line level must hold still this long before it counts (software debounce; the kernel drivers offer none).</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>Hold `auto` this long to release every override this panel made.</summary>
    public TimeSpan AutoHold { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Hold `up` and `down` together this long to acknowledge an alarm.</summary>
    public TimeSpan AcknowledgeHold { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a pin from the panel lasts; null = until released.</summary>
    public TimeSpan? PinFor { get; set; }

    /// <summary>How often to retry after the panel failed (no chip, permission, line busy, unplugged).</summary>
    public TimeSpan Retry { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Name recorded as RequestedBy on the panel's overrides; default "panel@&lt;hostname&gt;".</summary>
    public string? Name { get; set; }

    public IEnumerable<OptionProblem> Validate()
    {
        if (Debounce < TimeSpan.FromMilliseconds(1) || Debounce > TimeSpan.FromMilliseconds(500))
            yield return new("debounce", Show(Debounce), "a duration from 1ms to 500ms");
        if (AutoHold < TimeSpan.FromMilliseconds(500) || AutoHold > TimeSpan.FromMinutes(1))
            yield return new("autoHold", Show(AutoHold), "a duration from 500ms to 1m");
        if (AcknowledgeHold < TimeSpan.FromMilliseconds(500) || AcknowledgeHold > TimeSpan.FromMinutes(1))
            yield return new("acknowledgeHold", Show(AcknowledgeHold), "a duration from 500ms to 1m");
        if (PinFor is { } p && p <= TimeSpan.Zero)
            yield return new("pinFor", Show(p), "a positive duration, or null for \"until released\"");
        if (Retry < TimeSpan.FromSeconds(1))
            yield return new("retry", Show(Retry), "a duration of 1s or more");
        for (var i = 0; i < Targets.Count; i++)
            if (!HpaRef.TryParse(Targets[i], out _))
                yield return new($"targets[{i}]", $"\"{Targets[i]}\"", "\"namespace/name\" of an HPA");
        if (Chip.Lines is < 1) yield return new("chip.lines", Chip.Lines.Value.ToString(), "a line count of 1 or more");
        foreach (var (key, led) in new[] { ("green", Leds.Green), ("amber", Leds.Amber), ("red", Leds.Red) })
            if (led?.Line is < 0) yield return new($"leds.{key}.line", led.Line.Value.ToString(), "a line offset, 0 or more");
        foreach (var (key, b) in new[] { ("up", Buttons.Up), ("down", Buttons.Down), ("auto", Buttons.Auto), ("select", Buttons.Select) })
        {
            if (b?.Line is < 0) yield return new($"buttons.{key}.line", b.Line.Value.ToString(), "a line offset, 0 or more");
            if (b is { Pull: ButtonPull.None, ActiveLow: null })
                yield return new($"buttons.{key}.activeLow", "null", "true or false (required when pull is \"none\")");
        }
    }

    private static string Show(TimeSpan t) => $"\"{GoDuration.Format(t)}\"";
}

public sealed class PanelChipOptions
{
    /// <summary>gpiochip label, e.g. "pinctrl-rp1" (Pi 5), "pinctrl-bcm2711" (Pi 4).</summary>
    public string? Label { get; set; }

    /// <summary>Number of lines the chip must have, e.g. 54 (RP1) or 58 (BCM2711).</summary>
    public int? Lines { get; set; }
}

public sealed class PanelLedsOptions
{
    public PanelLedOptions? Green { get; set; }
    public PanelLedOptions? Amber { get; set; }
    public PanelLedOptions? Red { get; set; }
}

public sealed class PanelLedOptions
{
    /// <summary>Line offset on the chip (= BCM GPIO number on a Raspberry Pi).</summary>
    public int? Line { get; set; }

    /// <summary>True when the LED lights with the line low (wired to 3V3 through the LED).</summary>
    public bool? ActiveLow { get; set; }
}

public sealed class PanelButtonsOptions
{
    public PanelButtonOptions? Up { get; set; }
    public PanelButtonOptions? Down { get; set; }
    public PanelButtonOptions? Auto { get; set; }
    /// <summary>Optional: cycles the target HPA.</summary>
    public PanelButtonOptions? Select { get; set; }
}

public sealed class PanelButtonOptions
{
    public int? Line { get; set; }

    /// <summary>"up" (button to ground, the usual wiring; default), "down" (button to 3V3) or "none" (external resistor).</summary>
    public ButtonPull? Pull { get; set; }

    /// <summary>Pressed reads low. Default: true with pull "up", false with pull "down"; required with "none".</summary>
    public bool? ActiveLow { get; set; }
}
