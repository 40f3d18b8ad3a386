namespace EdgeScaler.Host.Composition;

using EdgeScaler.Core.Agent;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Host.Agent;
using EdgeScaler.Node.Boards;
using EdgeScaler.Panel;
using EdgeScaler.Panel.Hardware;
using EdgeScaler.Panel.Wiring;
using EdgeScaler.Scaler;
using EdgeScaler.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>
/// The GPIO panel in `run` (only with `panel.enabled`): wiring from the board profile with the config on top, LEDs
/// from the agent's status, buttons into the Scaler's override path (reported over MQTT as override events). A panel
/// that cannot open its chip logs one line and the agent runs on without it (PanelService does that).
/// </summary>
public static class PanelComposition
{
    public static IHostApplicationBuilder AddPanel(this IHostApplicationBuilder builder, PanelOptions options, string hostRoot)
    {
        var services = builder.Services;
        services.AddSingleton<AgentStatusSource>();
        services.AddSingleton<IAgentStatusSource>(sp => sp.GetRequiredService<AgentStatusSource>());
        services.AddSingleton<IAlarmAcknowledger>(sp => sp.GetRequiredService<AgentStatusSource>());
        if (!options.Enabled) return builder; // no panel configured: no GPIO touched, no status loop needed

        services.AddHostedService(sp => sp.GetRequiredService<AgentStatusSource>());
        services.AddSingleton<IPanelGpio>(new LinuxPanelGpio(Path.Combine(hostRoot, "dev")));
        // Registered before AddEdgeScalerPanel (which only adds a PanelService when none is): the panel's presses go
        // through the reporting sink, so MQTT shows them as override events like the CLI's and MQTT's own.
        services.AddSingleton(sp =>
        {
            var log = sp.GetRequiredService<ILogger<PanelService>>();
            var boardPanel = BoardPanelDefaults.FromJson(sp.GetRequiredService<BoardDetection>().Profile.Panel, out var problem);
            if (problem is not null) log.LogWarning("Board panel defaults ignored: {Problem}", problem);
            return new PanelService(options, boardPanel, sp.GetRequiredService<IPanelGpio>(),
                sp.GetRequiredService<IAgentStatusSource>(),
                new ReportingOverrideSink(sp.GetRequiredService<IOverrideSink>(), sp.GetService<ITelemetryPublisher>()),
                sp.GetRequiredService<IAlarmAcknowledger>(),
                sp.GetRequiredService<PanelHealth>(),
                sp.GetRequiredService<TimeProvider>(), log);
        });
        services.AddEdgeScalerPanel(options);
        return builder;
    }
}
