namespace EdgeScaler.Panel.Hardware;

using System.Device.Gpio;
using EdgeScaler.Panel.Input;
using EdgeScaler.Panel.Leds;
using EdgeScaler.Panel.Wiring;

/// <summary>
/// One opened panel: LED lines as outputs, button lines as inputs with their pulls and edge callbacks into a
/// <see cref="ButtonInput"/>. Lives until the chip fails; the service then disposes it and opens a new one.
/// </summary>
public sealed class PanelSession : IDisposable
{
    private readonly GpioController _gpio;
    private readonly PanelWiring _wiring;
    private readonly ButtonInput _input;
    private readonly List<(ButtonLine Line, PinChangeEventHandler Handler)> _callbacks = [];
    private readonly bool?[] _lit = new bool?[3];

    public string Device { get; }

    private PanelSession(GpioController gpio, PanelWiring wiring, ButtonInput input, string device)
    {
        _gpio = gpio;
        _wiring = wiring;
        _input = input;
        Device = device;
    }

    public static PanelSession Open(IPanelGpio provider, PanelWiring wiring, ButtonInput input)
    {
        var gpio = provider.Open(wiring, out var device);
        var session = new PanelSession(gpio, wiring, input, device);
        try
        {
            foreach (var led in wiring.Leds)
                gpio.OpenPin(led.Line, PinMode.Output, led.ActiveLow ? PinValue.High : PinValue.Low);
            foreach (var b in wiring.Buttons)
            {
                var mode = b.Pull switch { ButtonPull.Up => PinMode.InputPullUp, ButtonPull.Down => PinMode.InputPullDown, _ => PinMode.Input };
                gpio.OpenPin(b.Line);
                if (!gpio.IsPinModeSupported(b.Line, mode))
                    throw new PanelFaultException(new PanelFault(PanelFaultKind.BadWiring,
                        $"the GPIO driver on {device} cannot set pull-{b.Pull.ToString().ToLowerInvariant()} on line {b.Line}",
                        "fit an external resistor and set the button's pull to \"none\" with activeLow, or install libgpiod ≥ 1.5"));
                gpio.SetPinMode(b.Line, mode);
                var button = b.Button;
                var activeLow = b.ActiveLow;
                PinChangeEventHandler handler = (_, e) => input.OnRawEdge(button, (e.ChangeType == PinEventTypes.Falling) == activeLow);
                gpio.RegisterCallbackForPinValueChangedEvent(b.Line, PinEventTypes.Falling | PinEventTypes.Rising, handler);
                session._callbacks.Add((b, handler));
            }
        }
        catch
        {
            session.Dispose();
            throw;
        }
        return session;
    }

    /// <summary>Writes the LEDs for <paramref name="frame"/> at <paramref name="clock"/>; only lines whose level changed are written.</summary>
    public void Render(LedFrame frame, TimeSpan clock)
    {
        foreach (var led in _wiring.Leds)
        {
            var pattern = led.Color switch { LedColor.Green => frame.Green, LedColor.Amber => frame.Amber, _ => frame.Red };
            Set(led, pattern.LevelAt(clock));
        }
    }

    private void Set(LedLine led, bool lit)
    {
        ref var last = ref _lit[(int)led.Color];
        if (last == lit) return;
        _gpio.Write(led.Line, lit != led.ActiveLow ? PinValue.High : PinValue.Low);
        last = lit;
    }

    public void Dispose()
    {
        // Best effort: the chip may already be gone, and a dying panel must not take the agent with it.
        foreach (var led in _wiring.Leds)
            try { if (_lit[(int)led.Color] == true) _gpio.Write(led.Line, led.ActiveLow ? PinValue.High : PinValue.Low); } catch { }
        foreach (var (line, handler) in _callbacks)
            try { _gpio.UnregisterCallbackForPinValueChangedEvent(line.Line, handler); } catch { }
        try { _gpio.Dispose(); } catch { }
    }
}
