namespace EdgeScaler.Panel.Tests;

using System.Device.Gpio;
using EdgeScaler.Core.Agent;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Panel.Control;
using EdgeScaler.Panel.Hardware;
using EdgeScaler.Panel.Virtual;
using Microsoft.Extensions.Time.Testing;

/// <summary>
/// The LED loop reads the selected target while the button handler changes it, each with its own snapshot of the
/// agent's status: a read must never undo or tear a selection.
/// </summary>
public sealed class TargetSelectorConcurrencyVirtualTests
{
    private static readonly HpaRef Api = new("default", "api");
    private static readonly HpaRef Web = Status.Web;
    private static readonly HpaRef Worker = Status.Worker;
    private static readonly HpaRef Queue = new("jobs", "queue");

    private static AgentStatus With(params HpaRef[] hpas) => Status.Healthy([.. hpas.Select(h => Status.Decision(h, 2, 2))]);

    [Fact]
    public void An_LED_frame_from_an_older_status_does_not_undo_a_selection()
    {
        var selector = new TargetSelector([]);
        var older = With(Web);
        var newer = With(Web, Worker); // the agent has just reported a second HPA
        Assert.Equal((Worker, 2), selector.Next(newer));
        Assert.Equal(Web, selector.Current(older)); // the LED loop, one status behind, shows what that status offers
        Assert.Equal(Worker, selector.Current(newer)); // and the selection is still there on the next frame
    }

    [Fact]
    public void A_press_on_the_fallback_target_makes_it_the_selection()
    {
        var selector = new TargetSelector([]);
        Assert.Equal((Worker, 2), selector.Next(With(Web, Worker)));
        Assert.Equal(Web, selector.Confirm(With(Web))); // worker is gone; the press acts on what is shown
        Assert.Equal(Web, selector.Current(With(Web, Worker)));
        Assert.Null(selector.Confirm(Status.Healthy()));
    }

    [Fact]
    public async Task Concurrent_presses_and_LED_reads_see_only_whole_targets_and_lose_no_press()
    {
        var selector = new TargetSelector([]);
        var all = With(Api, Web, Worker, Queue);
        var older = With(Api, Queue); // what an LED frame computed a moment earlier might hold
        var candidates = selector.Candidates(all);
        const int presses = 200_000;
        using var done = new CancellationTokenSource();
        var torn = 0L;
        var reads = 0L;

        var leds = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                foreach (var status in new[] { all, older })
                {
                    var shown = selector.Current(status);
                    if (shown is not { } t || !selector.Candidates(status).Contains(t)) Interlocked.Increment(ref torn);
                    Interlocked.Increment(ref reads);
                }
            }
        });
        var buttons = Task.Run(() =>
        {
            for (var i = 0; i < presses; i++)
            {
                var (target, number) = selector.Next(all)!.Value;
                Assert.Equal(candidates[(i + 1) % candidates.Count], target); // each press moves exactly one step
                Assert.Equal((i + 1) % candidates.Count + 1, number);
            }
        });
        await buttons;
        await done.CancelAsync();
        await leds;

        Assert.Equal(0, Interlocked.Read(ref torn));
        Assert.True(reads > 0);
        Assert.Equal(candidates[presses % candidates.Count], selector.Current(all));
    }

    [Fact]
    public async Task Virtual_select_presses_while_the_LED_loop_runs_land_on_the_right_target_and_show_its_code()
    {
        const int Green = 17, Amber = 27, Red = 22, Up = 5, Down = 6, Auto = 13, Select = 19;
        var time = new FakeTimeProvider(Status.T0);
        var driver = new VirtualGpioDriver(54, "virtual-gpio");
        var status = new MutableStatus(With(Api, Web, Worker));
        var health = new PanelHealth();
        var options = new PanelOptions
        {
            Enabled = true,
            Chip = new() { Label = "virtual-gpio" },
            Leds = new() { Green = new() { Line = Green }, Amber = new() { Line = Amber }, Red = new() { Line = Red } },
            Buttons = new() { Up = new() { Line = Up }, Down = new() { Line = Down }, Auto = new() { Line = Auto }, Select = new() { Line = Select } },
        };
        using var service = new PanelService(options, null, new VirtualPanelGpio(driver), status, new RecordingOverrideSink(), null, health, time, new ListLogger<PanelService>());
        await service.StartAsync(default);
        try
        {
            for (var i = 0; i < 200 && health.State != PanelState.Running; i++) { time.Advance(TimeSpan.FromMilliseconds(10)); await Task.Delay(1); }
            Assert.Equal(PanelState.Running, health.State);

            // The agent keeps replacing its status (same HPAs, new decisions) while the LED loop renders.
            for (var press = 0; press < 4; press++)
            {
                driver.SetInput(Select, PinValue.Low);
                for (var i = 0; i < 8; i++) { status.Current = With(Api, Web, Worker); time.Advance(TimeSpan.FromMilliseconds(10)); await Task.Delay(1); }
                driver.SetInput(Select, PinValue.High);
                for (var i = 0; i < 8; i++) { status.Current = With(Api, Web, Worker); time.Advance(TimeSpan.FromMilliseconds(10)); await Task.Delay(1); }
                for (var i = 0; i < 200 && service.Controller.Indication.TargetNumber != (press + 1) % 3 + 1; i++) { time.Advance(TimeSpan.FromMilliseconds(5)); await Task.Delay(1); }
            }

            // Four presses over three targets: target 2, default/web, and amber blinks code-2 (two blinks per cycle).
            Assert.Equal(Web, service.Controller.Targets.Current(status.Current));
            Assert.Equal(2, service.Controller.Indication.TargetNumber);
            var rises = 0;
            var lit = driver.OutputOf(Amber) == PinValue.High;
            for (var t = 0; t < 2000; t += 25) // one code cycle: 2 × 500 ms of blinks + 1 s pause
            {
                time.Advance(TimeSpan.FromMilliseconds(25));
                await Task.Delay(2);
                var now = driver.OutputOf(Amber) == PinValue.High;
                if (now && !lit) rises++;
                lit = now;
            }
            Assert.InRange(rises, 2, 3); // 2 per cycle; 3 if the window starts mid-blink
            Assert.Equal(PinValue.Low, driver.OutputOf(Green));
        }
        finally
        {
            await service.StopAsync(default);
        }
    }
}
