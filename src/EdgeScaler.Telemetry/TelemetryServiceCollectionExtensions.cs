namespace EdgeScaler.Telemetry;

using EdgeScaler.Core.Overrides;
using EdgeScaler.Telemetry.Commands;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Registers MQTT telemetry as a hosted service and as <see cref="ITelemetryPublisher"/>.
    /// Commands are taken only when an <see cref="IOverrideSink"/> and an <see cref="IHpaCatalog"/> are registered;
    /// register an <see cref="ILeadership"/> too, or every agent applies commands as if it led.
    /// </summary>
    public static IServiceCollection AddEdgeScalerTelemetry(this IServiceCollection services, TelemetryOptions options, string nodeName, string? softwareVersion = null)
    {
        services.AddSingleton(options);
        services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeScaler.Telemetry");
            var leadership = sp.GetService<ILeadership>();
            var sink = sp.GetService<IOverrideSink>();
            if (leadership is null && sink is not null)
                logger.LogWarning("MQTT commands: no leadership signal registered; this agent applies commands as if it were the leader");
            return new MqttTelemetry(options, nodeName, sink, sp.GetService<IHpaCatalog>(), leadership,
                sp.GetService<TimeProvider>() ?? TimeProvider.System, logger, softwareVersion);
        });
        services.AddSingleton<ITelemetryPublisher>(sp => sp.GetRequiredService<MqttTelemetry>());
        services.AddHostedService<TelemetryHostedService>();
        return services;
    }
}

/// <summary>Starts and stops <see cref="MqttTelemetry"/> with the Generic Host.</summary>
internal sealed class TelemetryHostedService(MqttTelemetry telemetry, TelemetryOptions options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Enabled ? telemetry.StartAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => telemetry.StopAsync(cancellationToken);
}
