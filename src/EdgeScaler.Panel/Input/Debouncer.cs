namespace EdgeScaler.Panel.Input;

/// <summary>
/// Software debounce for one input line: a new level counts only after the raw line has held it for the whole
/// window. Contact chatter (edges closer together than the window) restarts the wait, so a bounce train yields
/// exactly one change. A level that was held for the window counts even when the timer meant to settle it runs late
/// (a busy Pi can delay it past a short press): the next edge settles it first. Time comes from a
/// <see cref="TimeProvider"/> so tests drive it with a fake clock.
/// Not thread-safe on its own: callers serialize <see cref="OnRawLevel"/> and the timer callback with <paramref name="gate"/>.
/// </summary>
public sealed class Debouncer : IDisposable
{
    private readonly TimeSpan _window;
    private readonly object _gate;
    private readonly Action<bool> _onStableChange;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private bool _raw;
    private long _rawSince;

    public Debouncer(TimeSpan window, TimeProvider time, bool initialLevel, object gate, Action<bool> onStableChange)
    {
        _window = window;
        _gate = gate;
        _onStableChange = onStableChange;
        _time = time;
        _raw = Stable = initialLevel;
        _rawSince = time.GetTimestamp();
        _timer = time.CreateTimer(static s => ((Debouncer)s!).Settle(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The debounced level.</summary>
    public bool Stable { get; private set; }

    /// <summary>Feed every raw edge (the level after it). Call with the gate held.</summary>
    public void OnRawLevel(bool level)
    {
        var now = _time.GetTimestamp();
        if (_raw != Stable && _time.GetElapsedTime(_rawSince, now) >= _window)
        {
            Stable = _raw;
            _onStableChange(Stable);
        }
        _raw = level;
        _rawSince = now;
        _timer.Change(_window, Timeout.InfiniteTimeSpan);
    }

    private void Settle()
    {
        lock (_gate)
        {
            if (_raw == Stable) return;
            Stable = _raw;
            _onStableChange(Stable);
        }
    }

    public void Dispose() => _timer.Dispose();
}
