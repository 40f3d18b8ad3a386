namespace EdgeScaler.Panel.Tests;

using System.Device.Gpio;
using EdgeScaler.Core.Agent;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Panel.Hardware;
using EdgeScaler.Panel.Virtual;
using EdgeScaler.Panel.Wiring;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

/// <summary>The whole panel service on a virtual chip and a fake clock: presses on lines, LEDs on lines, failures and recovery.</summary>
public sealed class PanelServiceVirtualTests : IAsyncDisposable
{
    private const int Green = 17, Amber = 27, Red = 22, Up = 5, Down = 6, Auto = 13;

    private readonly FakeTimeProvider _time = new(Status.T0);
    private readonly VirtualGpioDriver _driver = new(54, "virtual-gpio");
    private readonly RecordingOverrideSink _sink = new();
    private readonly MutableStatus _status = new(Status.Healthy(Status.Decision(Status.Web, 2, 2)));
    private readonly ListLogger<PanelService> _log = new();
    private readonly PanelHealth _health = new();
    private PanelService? _service;

    private static PanelOptions Options(bool enabled = true) => new()
    {
        Enabled = enabled,
        Chip = new() { Label = "virtual-gpio" },
        Leds = new() { Green = new() { Line = Green }, Amber = new() { Line = Amber }, Red = new() { Line = Red } },
        Buttons = new() { Up = new() { Line = Up }, Down = new() { Line = Down }, Auto = new() { Line = Auto } },
        Targets = ["default/web"],
        Retry = TimeSpan.FromSeconds(30),
    };

    private async Task<PanelService> StartAsync(PanelOptions options, IPanelGpio? gpio = null)
    {
        _service = new PanelService(options, null, gpio ?? new VirtualPanelGpio(_driver), _status, _sink, null, _health, _time, _log);
        await _service.StartAsync(default);
        return _service;
    }

    /// <summary>Advances the fake clock in small steps until <paramref name="condition"/> holds (the service runs on the thread pool).</summary>
    private async Task Until(Func<bool> condition, string what, int stepMs = 10)
    {
        for (var i = 0; i < 3000; i++)
        {
            if (condition()) return;
            _time.Advance(TimeSpan.FromMilliseconds(stepMs));
            await Task.Delay(1);
        }
        Assert.Fail($"timed out waiting for: {what}");
    }

    private async Task PressAsync(int line)
    {
        _driver.SetInput(line, PinValue.Low);
        for (var i = 0; i < 10; i++) { _time.Advance(TimeSpan.FromMilliseconds(10)); await Task.Delay(1); }
        _driver.SetInput(line, PinValue.High);
        for (var i = 0; i < 10; i++) { _time.Advance(TimeSpan.FromMilliseconds(10)); await Task.Delay(1); }
    }

    [Fact]
    public async Task Virtual_a_press_on_the_up_line_becomes_an_override_request()
    {
        await StartAsync(Options());
        await Until(() => _health.State == PanelState.Running && _driver.IsOpen(Up), "panel running");
        Assert.Equal(PinMode.InputPullUp, _driver.ModeOf(Up));
        Assert.Equal(PinMode.Output, _driver.ModeOf(Green));

        await PressAsync(Up);
        await Until(() => _sink.Snapshot().Count == 1, "override submitted");
        var r = _sink.Snapshot()[0];
        Assert.Equal((Status.Web, 3, OverrideSource.Panel), (r.Hpa, r.Replicas!.Value, r.Source));
    }

    [Fact]
    public async Task Virtual_leds_follow_the_agent_status()
    {
        await StartAsync(Options());
        await Until(() => _driver.OutputOf(Green) == PinValue.High, "green on when healthy");
        Assert.Equal(PinValue.Low, _driver.OutputOf(Red));

        _status.Current = _status.Current with { WorstThermalState = ThermalState.Hot };
        await Until(() => _driver.OutputOf(Red) == PinValue.High && _driver.OutputOf(Green) == PinValue.Low, "red on, green off when hot");
    }

    /// <summary>Samples the three LED lines every 25 ms of fake time for <paramref name="ms"/> ms.</summary>
    private async Task<List<(bool G, bool A, bool R)>> SampleAsync(int ms)
    {
        var samples = new List<(bool, bool, bool)>();
        for (var t = 0; t < ms; t += 25)
        {
            _time.Advance(TimeSpan.FromMilliseconds(25));
            await Task.Delay(2);
            samples.Add((_driver.OutputOf(Green) == PinValue.High, _driver.OutputOf(Amber) == PinValue.High, _driver.OutputOf(Red) == PinValue.High));
        }
        return samples;
    }

    [Fact]
    public async Task Virtual_a_press_before_the_first_decision_is_refused_and_the_refusal_blinks()
    {
        _status.Current = Status.Healthy(); // API up, leader known, but the controller has decided nothing yet
        await StartAsync(Options());
        await Until(() => _health.State == PanelState.Running && _driver.OutputOf(Green) == PinValue.High, "panel running, green on");

        await PressAsync(Up);
        await Until(() => _log.Lines.Any(l => l.Text.Contains("no replica count known yet")), "the refusal logged");
        var samples = await SampleAsync(1000);
        Assert.Empty(_sink.Snapshot());
        // The refused pattern: green off, amber and red alternating at 4 Hz.
        Assert.All(samples, s => Assert.False(s.G));
        Assert.Contains(samples, s => s.A && !s.R);
        Assert.Contains(samples, s => s.R && !s.A);
        Assert.InRange(samples.Zip(samples.Skip(1)).Count(p => p.First.A != p.Second.A), 6, 10);
    }

    [Fact]
    public async Task Virtual_a_disabled_panel_touches_no_gpio()
    {
        var counting = new CountingGpio(new VirtualPanelGpio(_driver));
        var service = await StartAsync(Options(enabled: false), counting);
        await service.ExecuteTask!;
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, counting.Opens);
        Assert.False(_driver.IsOpen(Green));
        Assert.Equal(PanelState.Disabled, _health.State);
    }

    [Fact]
    public async Task Virtual_the_panel_disappears_and_comes_back_without_stopping_the_service()
    {
        var service = await StartAsync(Options());
        await Until(() => _health.State == PanelState.Running, "running");

        _driver.Unplugged = true;
        _status.Current = _status.Current with { ScalingInProgress = true }; // forces an LED write, which now throws
        await Until(() => _health.State == PanelState.Faulted, "fault noticed");
        Assert.False(service.ExecuteTask!.IsCompleted);
        var warnings = _log.Lines.Where(l => l.Level == LogLevel.Warning && l.Text.StartsWith("panel off:")).ToList();
        Assert.NotEmpty(warnings);
        Assert.All(warnings, w => Assert.Contains("fix:", w.Text));

        // Stays down through several retries, logging no new line for the same problem.
        for (var i = 0; i < 5; i++) { _time.Advance(TimeSpan.FromSeconds(31)); await Task.Delay(5); }
        var after = _log.Lines.Count(l => l.Text.StartsWith("panel off:"));
        Assert.True(after <= 2, $"the same fault was logged {after} times");

        _driver.Unplugged = false;
        _status.Current = _status.Current with { ScalingInProgress = false, WorstThermalState = ThermalState.Hot };
        await Until(() => _health.State == PanelState.Running && _driver.OutputOf(Red) == PinValue.High, "panel back with red lit", stepMs: 100);
        Assert.Contains(_log.Lines, l => l.Text.StartsWith("panel: back"));
        Assert.False(service.ExecuteTask!.IsCompleted);

        await PressAsync(Up);
        await Until(() => _sink.Snapshot().Count == 1, "buttons work again after the reconnect");
    }

    [Fact]
    public async Task Virtual_a_line_held_by_another_process_is_a_line_busy_fault_and_not_fatal()
    {
        _driver.BusyLines.Add(Auto);
        var service = await StartAsync(Options());
        await Until(() => _health.State == PanelState.Faulted, "faulted");
        Assert.Equal(PanelFaultKind.LineBusy, _health.Fault!.Kind);
        Assert.Contains("gpioinfo", _health.Fault.Fix);
        Assert.False(service.ExecuteTask!.IsCompleted);
        Assert.False(_driver.IsOpen(Green)); // what was opened before the failure was closed again

        _driver.BusyLines.Clear();
        await Until(() => _health.State == PanelState.Running, "runs once the line is free", stepMs: 100);
    }

    [Fact]
    public async Task Virtual_a_wrong_chip_label_is_reported_with_what_exists()
    {
        var options = Options();
        options.Chip.Label = "pinctrl-bcm2711";
        await StartAsync(options);
        await Until(() => _health.State == PanelState.Faulted, "faulted");
        Assert.Equal(PanelFaultKind.ChipNotFound, _health.Fault!.Kind);
        Assert.Contains("virtual-gpio", _health.Fault.Message);
    }

    [Fact]
    public async Task Virtual_incomplete_wiring_is_one_error_and_no_gpio()
    {
        var options = Options();
        options.Buttons.Auto = null;
        var counting = new CountingGpio(new VirtualPanelGpio(_driver));
        var service = await StartAsync(options, counting);
        await service.ExecuteTask!;
        Assert.Equal(PanelFaultKind.BadWiring, _health.Fault!.Kind);
        Assert.Contains("panel.buttons.auto.line", _health.Fault.Message);
        Assert.Equal(0, counting.Opens);
        Assert.Single(_log.Lines, l => l.Level == LogLevel.Error);
    }

    public async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.StopAsync(default);
            _service.Dispose();
        }
    }

    private sealed class CountingGpio(IPanelGpio inner) : IPanelGpio
    {
        public int Opens;
        public GpioController Open(PanelWiring wiring, out string device) { Interlocked.Increment(ref Opens); return inner.Open(wiring, out device); }
    }
}
