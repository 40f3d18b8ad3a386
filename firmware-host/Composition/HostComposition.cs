namespace EdgeScaler.Host.Composition;

using EdgeScaler.Host.Agent;
using EdgeScaler.Host.Configuration;
using EdgeScaler.Host.Systemd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

/// <summary>What every agent needs whatever areas it runs: config sections, logging, time, systemd notify and watchdog.</summary>
public static class HostComposition
{
    public static IHostApplicationBuilder AddHostBasics(this IHostApplicationBuilder builder, EdgeScalerConfig config)
    {
        var services = builder.Services;
        // Every section as a singleton: an area's services take their options class in the constructor.
        services.AddSingleton(config);
        services.AddSingleton(config.Node);
        services.AddSingleton(config.Kubernetes);
        services.AddSingleton(config.Scaler);
        services.AddSingleton(config.MetricsApi);
        services.AddSingleton(config.Mqtt);
        services.AddSingleton(config.Panel);

        services.AddSingleton(TimeProvider.System);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(4)); // systemd's stop must not wait on a hung service

        AddLogging(builder.Logging, config.LogLevel);

        services.AddSingleton(_ => SystemdNotifier.FromEnvironment());
        services.AddSingleton(new WatchdogTimeout(WatchdogSettings.FromEnvironment()));
        services.AddSingleton<ProgressMonitor>();
        services.AddHostedService<WatchdogService>();
        services.AddHostedService<StoppingNotice>();
        return builder;
    }

    private static void AddLogging(ILoggingBuilder logging, LogLevelSetting level)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel((LogLevel)(int)level);
        // The host's own start/stop chatter ("Press Ctrl+C to shut down") is noise in a service's journal.
        logging.AddFilter("Microsoft", LogLevel.Warning);
        if (Environment.GetEnvironmentVariable("JOURNAL_STREAM") is { Length: > 0 })
            logging.AddSystemdConsole(); // "<4>message": journald takes the priority, adds its own timestamp
        else
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
    }
}

/// <summary>Tells systemd STOPPING=1 as soon as shutdown begins, so `systemctl status` shows it.</summary>
internal sealed class StoppingNotice(SystemdNotifier notifier, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() => notifier.Notify("STOPPING=1"));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
