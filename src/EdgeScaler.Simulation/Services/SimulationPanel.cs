namespace EdgeScaler.Simulation.Services;

using EdgeScaler.Core.Agent;
using EdgeScaler.Panel;
using EdgeScaler.Panel.Hardware;
using EdgeScaler.Panel.Virtual;
using EdgeScaler.Panel.Wiring;
using EdgeScaler.Simulation.Engine;
using Microsoft.Extensions.Logging;

/// <summary>
/// The real <see cref="PanelService"/> on a <see cref="VirtualGpioDriver"/>, watching the simulated cluster as the
/// leader's agent would: its LEDs are the real LED loop's writes to the virtual lines (drawn in the live view), and
/// key presses are played on the virtual button lines, so they pass through the real debounce, gesture and
/// controller code into the simulation's override path.
/// </summary>
internal sealed class SimulationPanel : IAsyncDisposable
{
    /// <summary>The Pi wiring docs/panel.md shows, on a virtual chip.</summary>
    public static PanelOptions Options() => new()
    {
        Enabled = true,
        Chip = new() { Label = "virtual-gpio" },
        Leds = new() { Green = new() { Line = 17 }, Amber = new() { Line = 27 }, Red = new() { Line = 22 } },
        Buttons = new() { Up = new() { Line = 5 }, Down = new() { Line = 6 }, Auto = new() { Line = 13 }, Select = new() { Line = 19 } },
        Name = "panel@simulate",
    };

    private readonly PanelOptions _options;
    private readonly PanelWiring _wiring;
    private readonly PanelService _service;
    private readonly Simulator _sim;
    private readonly SemaphoreSlim _pressing = new(1, 1);

    private SimulationPanel(PanelOptions options, PanelWiring wiring, PanelService service, VirtualGpioDriver driver, PanelHealth health, Simulator sim)
    {
        _options = options;
        _wiring = wiring;
        _service = service;
        Driver = driver;
        Health = health;
        _sim = sim;
    }

    public VirtualGpioDriver Driver { get; }

    public IPanelHealth Health { get; }

    public static async Task<SimulationPanel> StartAsync(Simulator sim, SimulatedOverrides overrides, TimeProvider clock, ILogger<PanelService> logger, CancellationToken cancel)
    {
        var options = Options();
        var wiring = PanelWiring.Resolve(options, null, out var errors)
            ?? throw new InvalidOperationException("virtual panel wiring: " + string.Join("; ", errors));
        var driver = new VirtualGpioDriver(54, "virtual-gpio");
        var health = new PanelHealth();
        var service = new PanelService(options, null, new VirtualPanelGpio(driver), new Status(sim), overrides, acknowledger: null, health, clock, logger);
        await service.StartAsync(cancel);
        sim.PanelLeds = PanelLeds.Of(service.Controller);
        return new SimulationPanel(options, wiring, service, driver, health, sim);
    }

    /// <summary>The LEDs as the virtual lines show them now, e.g. "G● A○ R●  default/web".</summary>
    public string Render(bool ansi)
    {
        if (Health.State != PanelState.Running) return $"(panel {Health.State.ToString().ToLowerInvariant()})";
        var target = _service.Controller.Targets.Current(_sim.Status);
        return VirtualPanelConsole.Render(Driver, _wiring, target?.ToString(), ansi);
    }

    /// <summary>Plays the gesture <paramref name="key"/> stands for on the button lines; false for a key that means nothing.</summary>
    public async Task<bool> PressAsync(char key, CancellationToken cancel)
    {
        if (!VirtualPanelConsole.TryMapKey(key, out var gesture)) return false;
        await _pressing.WaitAsync(cancel);
        try { await VirtualPanelConsole.PerformAsync(Driver, _wiring, _options, gesture, TimeProvider.System, cancel); }
        finally { _pressing.Release(); }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _service.StopAsync(stop.Token);
        _service.Dispose();
        _pressing.Dispose();
    }

    /// <summary>The agent status the panel shows: the simulated leader's.</summary>
    private sealed class Status(Simulator sim) : IAgentStatusSource
    {
        public AgentStatus Current => sim.Status;
    }
}
