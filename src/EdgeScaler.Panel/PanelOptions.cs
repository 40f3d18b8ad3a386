namespace EdgeScaler.Panel;

/// <summary>
/// The `panel` section of edgescaler.json. Every wiring field is optional: what is left out comes from the board
/// profile's defaults. With <see cref="Enabled"/> false (the default) the agent never touches GPIO.
/// </summary>
public sealed class PanelOptions
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
    public int DebounceMilliseconds { get; set; } = 30;

    /// <summary>Hold `auto` this long to release every override this panel made.</summary>
    public double AutoHoldSeconds { get; set; } = 3;

    /// <summary>Hold `up` and `down` together this long to acknowledge an alarm.</summary>
    public double AcknowledgeHoldSeconds { get; set; } = 2;

    /// <summary>How long a pin from the panel lasts; null or 0 = until released.</summary>
    public double? PinMinutes { get; set; }

    /// <summary>How often to retry after the panel failed (no chip, permission, line busy, unplugged).</summary>
    public double RetrySeconds { get; set; } = 30;

    /// <summary>Name recorded as RequestedBy on the panel's overrides; default "panel@&lt;hostname&gt;".</summary>
    public string? Name { get; set; }
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

    /// <summary>"up" (button to ground, the usual wiring), "down" (button to 3V3) or "none" (external resistor).</summary>
    public string? Pull { get; set; }

    /// <summary>Pressed reads low. Default: true with pull "up", false with pull "down"; required with "none".</summary>
    public bool? ActiveLow { get; set; }
}
