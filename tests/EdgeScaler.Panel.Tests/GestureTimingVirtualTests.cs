namespace EdgeScaler.Panel.Tests;

using EdgeScaler.Panel.Input;
using Microsoft.Extensions.Time.Testing;

/// <summary>Long-press and chord timing, on a fake clock, through the debouncer (clean edges).</summary>
public class GestureTimingVirtualTests
{
    private readonly FakeTimeProvider _time = new(Status.T0);
    private readonly List<PanelAction> _actions = [];
    private readonly ButtonInput _input;

    public GestureTimingVirtualTests() =>
        _input = new ButtonInput(_time, TimeSpan.FromMilliseconds(30), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2),
            [PanelButton.Up, PanelButton.Down, PanelButton.Auto, PanelButton.Select], a => _actions.Add(a));

    private void Press(PanelButton b) { _input.OnRawEdge(b, true); _time.Advance(TimeSpan.FromMilliseconds(30)); }
    private void Release(PanelButton b) { _input.OnRawEdge(b, false); _time.Advance(TimeSpan.FromMilliseconds(30)); }
    private void Wait(double seconds) => _time.Advance(TimeSpan.FromSeconds(seconds));

    [Fact]
    public void Virtual_auto_released_before_three_seconds_releases_the_target()
    {
        Press(PanelButton.Auto);
        Wait(2.9);
        Assert.Empty(_actions);
        Release(PanelButton.Auto);
        Assert.Equal([PanelAction.Release], _actions);
    }

    [Fact]
    public void Virtual_auto_held_three_seconds_releases_all_once_while_held_and_not_again_on_release()
    {
        Press(PanelButton.Auto);
        Wait(2.95);
        Assert.Empty(_actions);
        Wait(0.1);
        Assert.Equal([PanelAction.ReleaseAllMine], _actions);
        Wait(10);
        Release(PanelButton.Auto);
        Assert.Equal([PanelAction.ReleaseAllMine], _actions);
    }

    [Fact]
    public void Virtual_up_and_down_held_together_acknowledge_and_do_not_scale()
    {
        Press(PanelButton.Up);
        Wait(0.2);
        Press(PanelButton.Down);
        Wait(1.9);
        Assert.Empty(_actions);
        Wait(0.2);
        Assert.Equal([PanelAction.Acknowledge], _actions);
        Release(PanelButton.Up);
        Wait(0.3);
        Release(PanelButton.Down);
        Assert.Equal([PanelAction.Acknowledge], _actions);
    }

    [Fact]
    public void Virtual_a_short_chord_does_nothing_at_all()
    {
        Press(PanelButton.Down);
        Press(PanelButton.Up);
        Wait(0.5);
        Release(PanelButton.Down);
        Wait(3);
        Release(PanelButton.Up);
        Assert.Empty(_actions);
        // and the chord is over: a plain press works again
        Press(PanelButton.Up);
        Release(PanelButton.Up);
        Assert.Equal([PanelAction.ScaleUp], _actions);
    }

    [Fact]
    public void Virtual_the_chord_timer_needs_both_buttons_down_for_the_whole_hold()
    {
        Press(PanelButton.Up);
        Press(PanelButton.Down);
        Wait(1.5);
        Release(PanelButton.Down);
        Press(PanelButton.Down); // re-pressed: the 2 s start again
        Wait(1.5);
        Assert.Empty(_actions);
        Wait(0.6);
        Assert.Equal([PanelAction.Acknowledge], _actions);
    }

    [Fact]
    public void Virtual_up_acts_on_release_and_select_cycles()
    {
        Press(PanelButton.Up);
        Assert.Empty(_actions);
        Release(PanelButton.Up);
        Press(PanelButton.Select);
        Release(PanelButton.Select);
        Press(PanelButton.Down);
        Release(PanelButton.Down);
        Assert.Equal([PanelAction.ScaleUp, PanelAction.SelectNext, PanelAction.ScaleDown], _actions);
    }
}
