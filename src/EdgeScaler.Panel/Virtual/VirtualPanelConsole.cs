namespace EdgeScaler.Panel.Virtual;

using System.Device.Gpio;
using System.Text;
using EdgeScaler.Panel.Input;
using EdgeScaler.Panel.Wiring;

/// <summary>A gesture a key press stands for (a terminal cannot hold two keys or time a hold).</summary>
public enum VirtualGesture { Up, Down, Auto, AutoHold, Select, Acknowledge }

/// <summary>
/// The virtual panel in a terminal: <see cref="Render"/> draws the LEDs as one line of glyphs, <see cref="TryMapKey"/>
/// maps keys to gestures and <see cref="PerformAsync"/> plays a gesture on the virtual lines (press, hold, release)
/// so it goes through the same debounce and gesture code as real buttons.
/// Keys: <c>u</c>/<c>+</c> up, <c>d</c>/<c>-</c> down, <c>a</c> auto, <c>A</c> hold auto, <c>s</c> select, <c>!</c> up+down (acknowledge).
/// </summary>
public static class VirtualPanelConsole
{
    public const string KeyHelp = "keys: u/+ up  d/- down  a auto  A hold-auto  s select  ! acknowledge";

    /// <summary>e.g. "G● A○ R○" (with ANSI colour when <paramref name="ansi"/>), plus the target when given.</summary>
    public static string Render(VirtualGpioDriver driver, PanelWiring wiring, string? target = null, bool ansi = false)
    {
        var sb = new StringBuilder(48);
        foreach (var led in wiring.Leds)
        {
            var lit = (driver.OutputOf(led.Line) == PinValue.High) != led.ActiveLow;
            if (sb.Length > 0) sb.Append(' ');
            var (letter, colour) = led.Color switch
            {
                LedColor.Green => ('G', "\e[32m"),
                LedColor.Amber => ('A', "\e[33m"),
                _ => ('R', "\e[31m"),
            };
            sb.Append(letter);
            if (ansi && lit) sb.Append(colour).Append('●').Append("\e[0m");
            else sb.Append(lit ? '●' : '○');
        }
        if (target is not null) sb.Append("  ").Append(target);
        return sb.ToString();
    }

    public static bool TryMapKey(char key, out VirtualGesture gesture)
    {
        (var ok, gesture) = key switch
        {
            'u' or 'U' or '+' => (true, VirtualGesture.Up),
            'd' or 'D' or '-' => (true, VirtualGesture.Down),
            'a' => (true, VirtualGesture.Auto),
            'A' => (true, VirtualGesture.AutoHold),
            's' or 'S' => (true, VirtualGesture.Select),
            '!' => (true, VirtualGesture.Acknowledge),
            _ => (false, VirtualGesture.Up),
        };
        return ok;
    }

    /// <summary>Presses, holds and releases the virtual lines for <paramref name="gesture"/>, waiting on <paramref name="time"/>.</summary>
    public static async Task PerformAsync(VirtualGpioDriver driver, PanelWiring wiring, PanelOptions options, VirtualGesture gesture,
        TimeProvider time, CancellationToken ct = default)
    {
        // A tap is held well past the debounce window, as a finger would, so a busy machine cannot lose it.
        var settle = TimeSpan.FromMilliseconds(Math.Max(120, Math.Max(1, options.DebounceMilliseconds) * 3));
        var (buttons, hold) = gesture switch
        {
            VirtualGesture.Up => ([PanelButton.Up], settle),
            VirtualGesture.Down => ([PanelButton.Down], settle),
            VirtualGesture.Auto => ([PanelButton.Auto], settle),
            VirtualGesture.AutoHold => ([PanelButton.Auto], TimeSpan.FromSeconds(options.AutoHoldSeconds) + settle),
            VirtualGesture.Select => ([PanelButton.Select], settle),
            _ => (new[] { PanelButton.Up, PanelButton.Down }, TimeSpan.FromSeconds(options.AcknowledgeHoldSeconds) + settle),
        };
        var lines = buttons.Select(b => wiring.Buttons.FirstOrDefault(l => l.Button == b)).OfType<ButtonLine>().ToList();
        foreach (var l in lines) driver.SetInput(l.Line, l.ActiveLow ? PinValue.Low : PinValue.High);
        await Task.Delay(hold, time, ct);
        foreach (var l in lines) driver.SetInput(l.Line, l.ActiveLow ? PinValue.High : PinValue.Low);
        await Task.Delay(settle, time, ct);
    }
}
