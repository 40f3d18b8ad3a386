namespace EdgeScaler.Panel.Tests;

using EdgeScaler.Panel.Input;
using Microsoft.Extensions.Time.Testing;

/// <summary>Bounce trains through the debouncer and gesture code, on a fake clock.</summary>
public class DebounceVirtualTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(30);

    private static (ButtonInput Input, List<PanelAction> Actions, FakeTimeProvider Time) Make()
    {
        var time = new FakeTimeProvider(Status.T0);
        var actions = new List<PanelAction>();
        var input = new ButtonInput(time, Window, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2),
            [PanelButton.Up, PanelButton.Down, PanelButton.Auto, PanelButton.Select], a => { lock (actions) actions.Add(a); });
        return (input, actions, time);
    }

    /// <summary>Plays contact chatter lasting <paramref name="chatterMs"/>: edges at random gaps shorter than the window, ending on <paramref name="final"/>.</summary>
    private static void Chatter(ButtonInput input, FakeTimeProvider time, PanelButton b, bool final, double chatterMs, Random rng)
    {
        var level = final;
        input.OnRawEdge(b, level);
        var elapsed = 0.0;
        while (elapsed < chatterMs)
        {
            var gap = Math.Min(0.2 + rng.NextDouble() * 14.0, chatterMs - elapsed + 0.1);
            time.Advance(TimeSpan.FromMilliseconds(gap));
            elapsed += gap;
            level = !level;
            input.OnRawEdge(b, level);
        }
        if (level != final) { time.Advance(TimeSpan.FromMilliseconds(0.5)); input.OnRawEdge(b, final); }
    }

    [Fact]
    public void Virtual_bounce_trains_of_5_to_50ms_give_exactly_one_action_each()
    {
        var rng = new Random(7);
        for (var round = 0; round < 300; round++)
        {
            var (input, actions, time) = Make();
            var button = round % 2 == 0 ? PanelButton.Up : PanelButton.Down;
            Chatter(input, time, button, final: true, 5 + rng.NextDouble() * 45, rng);
            time.Advance(TimeSpan.FromMilliseconds(120));      // held
            Chatter(input, time, button, final: false, 5 + rng.NextDouble() * 45, rng);
            time.Advance(TimeSpan.FromMilliseconds(100));
            Assert.Equal([button == PanelButton.Up ? PanelAction.ScaleUp : PanelAction.ScaleDown], actions);
            input.Dispose();
        }
    }

    [Fact]
    public void Virtual_chatter_alone_without_a_settled_press_gives_nothing()
    {
        var (input, actions, time) = Make();
        var rng = new Random(3);
        // Chatter that ends where it started (released): the line never holds "pressed" for the window.
        Chatter(input, time, PanelButton.Up, final: false, 40, rng);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(actions);
        Assert.False(input.IsPressed(PanelButton.Up));
    }

    [Fact]
    public void Virtual_a_clean_press_counts_only_after_the_window()
    {
        var (input, actions, time) = Make();
        input.OnRawEdge(PanelButton.Select, true);
        time.Advance(Window - TimeSpan.FromMilliseconds(1));
        Assert.False(input.IsPressed(PanelButton.Select));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(input.IsPressed(PanelButton.Select));
        input.OnRawEdge(PanelButton.Select, false);
        time.Advance(Window);
        Assert.Equal([PanelAction.SelectNext], actions);
    }

    [Fact]
    public void Virtual_two_separate_presses_give_two_actions()
    {
        var (input, actions, time) = Make();
        var rng = new Random(11);
        for (var i = 0; i < 2; i++)
        {
            Chatter(input, time, PanelButton.Up, true, 20, rng);
            time.Advance(TimeSpan.FromMilliseconds(80));
            Chatter(input, time, PanelButton.Up, false, 20, rng);
            time.Advance(TimeSpan.FromMilliseconds(80));
        }
        Assert.Equal([PanelAction.ScaleUp, PanelAction.ScaleUp], actions);
    }
}

/// <summary>A busy machine: the debouncer's timers run late (here: not at all until released), the clock moves on.</summary>
public class DebounceLateTimerVirtualTests
{
    private sealed class LateTimers : TimeProvider
    {
        private long _ticks;
        public void Advance(TimeSpan by) => _ticks += (long)(by.TotalSeconds * TimestampFrequency);
        public override long TimestampFrequency => 1_000_000;
        public override long GetTimestamp() => _ticks;
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new NeverFires();
        private sealed class NeverFires : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;
            public void Dispose() { }
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    [Fact]
    public void Virtual_a_press_held_past_the_window_counts_even_when_its_timer_has_not_run()
    {
        var time = new LateTimers();
        var changes = new List<bool>();
        using var debouncer = new Debouncer(TimeSpan.FromMilliseconds(5), time, initialLevel: false, new object(), changes.Add);
        debouncer.OnRawLevel(true);
        time.Advance(TimeSpan.FromMilliseconds(120)); // held 120 ms; the settle timer should have fired at 5 ms
        debouncer.OnRawLevel(false);
        Assert.Equal([true], changes);
        Assert.True(debouncer.Stable);
    }

    [Fact]
    public void Virtual_an_edge_shorter_than_the_window_still_does_not_count_when_timers_are_late()
    {
        var time = new LateTimers();
        var changes = new List<bool>();
        using var debouncer = new Debouncer(TimeSpan.FromMilliseconds(5), time, initialLevel: false, new object(), changes.Add);
        debouncer.OnRawLevel(true);
        time.Advance(TimeSpan.FromMilliseconds(4));
        debouncer.OnRawLevel(false);
        time.Advance(TimeSpan.FromMilliseconds(100));
        debouncer.OnRawLevel(false); // a repeated level (no change) after a long time: nothing to settle
        Assert.Empty(changes);
        Assert.False(debouncer.Stable);
    }
}
