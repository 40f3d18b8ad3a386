namespace EdgeScaler.Panel;

using EdgeScaler.Core.Agent;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Panel.Hardware;
using EdgeScaler.Panel.Virtual;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

public static class PanelServiceCollectionExtensions
{
    /// <summary>
    /// Registers the GPIO panel. With <c>options.Enabled</c> false it registers the same services but the panel
    /// never opens a chip. <paramref name="boardDefaults"/> supplies the board profile's pins; the config wins
    /// field by field. Uses the registered <see cref="IOverrideSink"/>, <see cref="IAgentStatusSource"/> and
    /// <see cref="IAlarmAcknowledger"/> when present.
    /// </summary>
    public static IServiceCollection AddEdgeScalerPanel(this IServiceCollection services, PanelOptions options, PanelOptions? boardDefaults = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPanelGpio>(_ => new LinuxPanelGpio());
        services.TryAddSingleton<PanelHealth>();
        services.TryAddSingleton<IPanelHealth>(sp => sp.GetRequiredService<PanelHealth>());
        services.TryAddSingleton(sp => new PanelService(options, boardDefaults,
            sp.GetRequiredService<IPanelGpio>(),
            sp.GetService<IAgentStatusSource>(),
            sp.GetService<IOverrideSink>(),
            sp.GetService<IAlarmAcknowledger>(),
            sp.GetRequiredService<PanelHealth>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<PanelService>>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<PanelService>());
        return services;
    }

    /// <summary>The panel on a <see cref="VirtualGpioDriver"/> instead of a real chip (tests, `edgescaler simulate`).</summary>
    public static IServiceCollection AddEdgeScalerVirtualPanel(this IServiceCollection services, PanelOptions options, VirtualGpioDriver driver, PanelOptions? boardDefaults = null)
    {
        services.AddSingleton<IPanelGpio>(new VirtualPanelGpio(driver));
        return services.AddEdgeScalerPanel(options, boardDefaults);
    }
}
