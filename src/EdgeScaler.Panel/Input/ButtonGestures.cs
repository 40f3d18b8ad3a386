namespace EdgeScaler.Panel.Input;

/// <summary>
/// Turns debounced press/release edges into <see cref="PanelAction"/>s:
/// <list type="bullet">
/// <item>`up`, `down`, `select`: act on release, so a chord can still cancel them.</item>
/// <item>`auto`: release before <c>autoHold</c> = <see cref="PanelAction.Release"/>; held for <c>autoHold</c> = <see cref="PanelAction.ReleaseAllMine"/> (fires while still held, once).</item>
/// <item>`up`+`down` down together: a chord. Neither acts on release; held together for <c>ackHold</c> = <see cref="PanelAction.Acknowledge"/> (once).</item>
/// </list>
/// Timers come from the <see cref="TimeProvider"/>; all entry points run under <paramref name="gate"/>.
/// </summary>
public sealed class ButtonGestures : IDisposable
{
    private readonly object _gate;
    private readonly Action<PanelAction> _emit;
    private readonly TimeSpan _autoHold;
    private readonly TimeSpan _ackHold;
    private readonly ITimer _autoTimer;
    private readonly ITimer _ackTimer;
    private readonly bool[] _down = new bool[4];
    private bool _autoHoldFired;
    private bool _chord;

    public ButtonGestures(TimeProvider time, TimeSpan autoHold, TimeSpan ackHold, object gate, Action<PanelAction> emit)
    {
        _gate = gate;
        _emit = emit;
        _autoHold = autoHold;
        _ackHold = ackHold;
        _autoTimer = time.CreateTimer(static s => ((ButtonGestures)s!).AutoHeld(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _ackTimer = time.CreateTimer(static s => ((ButtonGestures)s!).ChordHeld(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A debounced edge. Call with the gate held.</summary>
    public void OnButton(PanelButton button, bool pressed)
    {
        if (_down[(int)button] == pressed) return;
        _down[(int)button] = pressed;
        switch (button)
        {
            case PanelButton.Up or PanelButton.Down when pressed:
                if (_down[(int)PanelButton.Up] && _down[(int)PanelButton.Down])
                {
                    _chord = true;
                    _ackTimer.Change(_ackHold, Timeout.InfiniteTimeSpan);
                }
                break;
            case PanelButton.Up or PanelButton.Down:
                _ackTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                if (!_chord) _emit(button == PanelButton.Up ? PanelAction.ScaleUp : PanelAction.ScaleDown);
                // The chord ends only when both are up again, so the second release does not act either.
                if (!_down[(int)PanelButton.Up] && !_down[(int)PanelButton.Down]) _chord = false;
                break;
            case PanelButton.Auto when pressed:
                _autoHoldFired = false;
                _autoTimer.Change(_autoHold, Timeout.InfiniteTimeSpan);
                break;
            case PanelButton.Auto:
                _autoTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                if (!_autoHoldFired) _emit(PanelAction.Release);
                break;
            case PanelButton.Select when !pressed:
                _emit(PanelAction.SelectNext);
                break;
        }
    }

    private void AutoHeld()
    {
        lock (_gate)
        {
            if (!_down[(int)PanelButton.Auto] || _autoHoldFired) return;
            _autoHoldFired = true;
            _emit(PanelAction.ReleaseAllMine);
        }
    }

    private void ChordHeld()
    {
        lock (_gate)
        {
            if (!(_chord && _down[(int)PanelButton.Up] && _down[(int)PanelButton.Down])) return;
            _emit(PanelAction.Acknowledge);
        }
    }

    public void Dispose()
    {
        _autoTimer.Dispose();
        _ackTimer.Dispose();
    }
}
