namespace EdgeScaler.Panel.Virtual;

using System.Device.Gpio;

/// <summary>
/// A GPIO chip in memory, for tests and `edgescaler simulate` (System.Device.Gpio ships no simulator).
/// Outputs are readable with <see cref="OutputOf"/>; inputs are driven with <see cref="SetInput"/>, which fires the
/// registered edge callbacks like a real chip. <see cref="Unplugged"/> makes every call throw, as a HAT pulled
/// off the header would; <see cref="BusyLines"/> makes opening those lines fail as if another process held them.
/// It survives being disposed by a <see cref="GpioController"/>, so a panel can be reopened on the same lines.
/// </summary>
public sealed class VirtualGpioDriver(int lineCount = 64, string label = "virtual-gpio") : GpioDriver
{
    private readonly object _gate = new();
    private readonly Dictionary<int, PinMode> _modes = [];
    private readonly Dictionary<int, PinValue> _levels = [];
    private readonly Dictionary<int, List<(PinEventTypes Types, PinChangeEventHandler Handler)>> _callbacks = [];

    public string Label { get; } = label;

    /// <summary>While true every driver call throws <see cref="IOException"/>.</summary>
    public bool Unplugged { get; set; }

    /// <summary>Lines another (pretend) process holds: opening them throws "Device or resource busy".</summary>
    public HashSet<int> BusyLines { get; } = [];

    /// <summary>Raised after an output line changes level (line, new level). For renderers; runs on the writer's thread.</summary>
    public event Action<int, PinValue>? OutputChanged;

    protected override int PinCount => lineCount;

    public bool IsOpen(int line) { lock (_gate) return _modes.ContainsKey(line); }

    public PinMode? ModeOf(int line) { lock (_gate) return _modes.TryGetValue(line, out var m) ? m : null; }

    /// <summary>The level last written to an output line (Low if never written).</summary>
    public PinValue OutputOf(int line) { lock (_gate) return _levels.GetValueOrDefault(line, PinValue.Low); }

    /// <summary>Drives an input line to <paramref name="level"/>, firing Rising/Falling callbacks on a change.</summary>
    public void SetInput(int line, PinValue level)
    {
        List<(PinEventTypes Types, PinChangeEventHandler Handler)> targets;
        PinEventTypes edge;
        lock (_gate)
        {
            var before = _levels.GetValueOrDefault(line, IdleLevel(line));
            _levels[line] = level;
            if (before == level) return;
            edge = level == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            targets = _callbacks.TryGetValue(line, out var list) ? [.. list.Where(c => (c.Types & edge) != 0)] : [];
        }
        foreach (var (_, handler) in targets) handler(this, new PinValueChangedEventArgs(edge, line));
    }

    /// <summary>The level an input rests at with its pull (high with pull-up).</summary>
    public PinValue IdleLevel(int line) { lock (_gate) return _modes.GetValueOrDefault(line) == PinMode.InputPullUp ? PinValue.High : PinValue.Low; }

    private void Check(int line)
    {
        if (Unplugged) throw new IOException($"virtual gpiochip '{Label}' is unplugged (No such device)");
        if (line < 0 || line >= lineCount) throw new ArgumentOutOfRangeException(nameof(line), $"line {line} is not on '{Label}' ({lineCount} lines)");
    }

    protected override void OpenPin(int pinNumber)
    {
        Check(pinNumber);
        if (BusyLines.Contains(pinNumber)) throw new IOException($"Error while requesting line {pinNumber}: Device or resource busy");
        lock (_gate) _modes.TryAdd(pinNumber, PinMode.Input);
    }

    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            _modes.Remove(pinNumber);
            _callbacks.Remove(pinNumber);
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        Check(pinNumber);
        lock (_gate)
        {
            _modes[pinNumber] = mode;
            if (mode is PinMode.InputPullUp or PinMode.InputPullDown) _levels[pinNumber] = IdleLevel(pinNumber);
        }
    }

    protected override PinMode GetPinMode(int pinNumber) { Check(pinNumber); lock (_gate) return _modes.GetValueOrDefault(pinNumber, PinMode.Input); }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    protected override PinValue Read(int pinNumber) { Check(pinNumber); lock (_gate) return _levels.GetValueOrDefault(pinNumber, IdleLevel(pinNumber)); }

    protected override void Write(int pinNumber, PinValue value)
    {
        Check(pinNumber);
        bool changed;
        lock (_gate)
        {
            changed = _levels.GetValueOrDefault(pinNumber, PinValue.Low) != value;
            _levels[pinNumber] = value;
        }
        if (changed) OutputChanged?.Invoke(pinNumber, value);
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        Check(pinNumber);
        var done = new TaskCompletionSource<PinEventTypes>(TaskCreationOptions.RunContinuationsAsynchronously);
        PinChangeEventHandler handler = (_, e) => done.TrySetResult(e.ChangeType);
        AddCallbackForPinValueChangedEvent(pinNumber, eventTypes, handler);
        try
        {
            done.Task.Wait(cancellationToken);
            return new WaitForEventResult { EventTypes = done.Task.Result, TimedOut = false };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
        finally { RemoveCallbackForPinValueChangedEvent(pinNumber, handler); }
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        Check(pinNumber);
        lock (_gate)
        {
            if (!_callbacks.TryGetValue(pinNumber, out var list)) _callbacks[pinNumber] = list = [];
            list.Add((eventTypes, callback));
        }
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_gate)
            if (_callbacks.TryGetValue(pinNumber, out var list)) list.RemoveAll(c => c.Handler == callback);
    }

    public override GpioChipInfo GetChipInfo() => new(0, "gpiochip0", Label, lineCount);

    /// <summary>A controller disposing us closes every line but leaves the chip usable for the next session.</summary>
    protected override void Dispose(bool disposing)
    {
        lock (_gate)
        {
            _modes.Clear();
            _callbacks.Clear();
        }
    }
}
