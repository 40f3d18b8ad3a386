namespace EdgeScaler.Panel.Input;

/// <summary>
/// Raw line edges in, actions out: one <see cref="Debouncer"/> per button feeding one <see cref="ButtonGestures"/>,
/// all serialized by one lock (edges arrive on the driver's event thread, timers on the thread pool).
/// </summary>
public sealed class ButtonInput : IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<PanelButton, Debouncer> _debouncers = [];
    private readonly ButtonGestures _gestures;

    public ButtonInput(TimeProvider time, TimeSpan debounce, TimeSpan autoHold, TimeSpan ackHold, IEnumerable<PanelButton> buttons, Action<PanelAction> emit)
    {
        _gestures = new ButtonGestures(time, autoHold, ackHold, _gate, emit);
        foreach (var b in buttons)
            _debouncers[b] = new Debouncer(debounce, time, initialLevel: false, _gate, pressed => _gestures.OnButton(b, pressed));
    }

    /// <summary>A raw edge: <paramref name="pressed"/> is the logical level after it (active-low already undone).</summary>
    public void OnRawEdge(PanelButton button, bool pressed)
    {
        lock (_gate)
        {
            if (_debouncers.TryGetValue(button, out var d)) d.OnRawLevel(pressed);
        }
    }

    public bool IsPressed(PanelButton button)
    {
        lock (_gate) return _debouncers.TryGetValue(button, out var d) && d.Stable;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var d in _debouncers.Values) d.Dispose();
            _gestures.Dispose();
        }
    }
}
