namespace EdgeScaler.Panel.Tests;

using EdgeScaler.Core.Agent;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Panel.Hardware;
using EdgeScaler.Panel.Virtual;
using EdgeScaler.Panel.Wiring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

/// <summary>AddEdgeScalerVirtualPanel in a real Generic Host on the real clock, driven by the terminal helper's key gestures.</summary>
public class VirtualPanelHostTests
{
    [Fact]
    public async Task Virtual_panel_in_a_host_turns_key_gestures_into_overrides()
    {
        var options = new PanelOptions
        {
            Enabled = true,
            Chip = new() { Label = "virtual-gpio" },
            Leds = new() { Green = new() { Line = 17 }, Amber = new() { Line = 27 }, Red = new() { Line = 22 } },
            Buttons = new() { Up = new() { Line = 5 }, Down = new() { Line = 6 }, Auto = new() { Line = 13 } },
            DebounceMilliseconds = 5,
            AcknowledgeHoldSeconds = 0.2,
        };
        var driver = new VirtualGpioDriver(54, "virtual-gpio");
        var sink = new RecordingOverrideSink();
        var ack = new RecordingAcknowledger();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<IOverrideSink>(sink);
        builder.Services.AddSingleton<IAlarmAcknowledger>(ack);
        builder.Services.AddSingleton<IAgentStatusSource>(new MutableStatus(Status.Healthy(Status.Decision(Status.Web, 2, 2))));
        builder.Services.AddEdgeScalerVirtualPanel(options, driver);
        using var host = builder.Build();
        await host.StartAsync();
        var health = host.Services.GetRequiredService<IPanelHealth>();
        var wiring = PanelWiring.Resolve(options, null, out _)!;
        for (var i = 0; i < 500 && !(health.State == PanelState.Running && driver.IsOpen(5)); i++) await Task.Delay(10);
        Assert.Equal(PanelState.Running, health.State);

        Assert.True(VirtualPanelConsole.TryMapKey('+', out var up));
        await VirtualPanelConsole.PerformAsync(driver, wiring, options, up, TimeProvider.System);
        Assert.True(VirtualPanelConsole.TryMapKey('!', out var acknowledge));
        await VirtualPanelConsole.PerformAsync(driver, wiring, options, acknowledge, TimeProvider.System);
        for (var i = 0; i < 500 && (sink.Snapshot().Count < 1 || ack.By.Count < 1); i++) await Task.Delay(10);

        Assert.True(sink.Snapshot().Count == 1, $"requests={sink.Snapshot().Count} acks={ack.By.Count} health={health.State} {health.Fault}");
        Assert.Equal(3, Assert.Single(sink.Snapshot()).Replicas);
        Assert.Single(ack.By);
        for (var i = 0; i < 200 && !VirtualPanelConsole.Render(driver, wiring).StartsWith("G●"); i++) await Task.Delay(10);
        Assert.Equal("G● A○ R○  default/web", VirtualPanelConsole.Render(driver, wiring, "default/web"));
        await host.StopAsync();
        Assert.False(driver.IsOpen(17));
    }

    [Fact]
    public void Keys_map_to_gestures_and_unknown_keys_do_not()
    {
        var map = "u+d-aAs!".ToDictionary(c => c, c => VirtualPanelConsole.TryMapKey(c, out var g) ? g : (VirtualGesture?)null);
        Assert.Equal(VirtualGesture.Up, map['u']);
        Assert.Equal(VirtualGesture.Down, map['-']);
        Assert.Equal(VirtualGesture.Auto, map['a']);
        Assert.Equal(VirtualGesture.AutoHold, map['A']);
        Assert.Equal(VirtualGesture.Select, map['s']);
        Assert.Equal(VirtualGesture.Acknowledge, map['!']);
        Assert.False(VirtualPanelConsole.TryMapKey('x', out _));
    }
}
