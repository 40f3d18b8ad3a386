namespace EdgeScaler.Host.Systemd;

using EdgeScaler.Host.Agent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>
/// Sends WATCHDOG=1 at half the watchdog timeout (systemd's advice), but only while every registered loop is
/// making progress (<see cref="ProgressMonitor"/>). A stalled loop is logged once, and again when it recovers.
/// </summary>
public sealed class WatchdogService(SystemdNotifier notifier, ProgressMonitor progress, WatchdogTimeout timeout,
    TimeProvider time, ILogger<WatchdogService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (timeout.Value is not { } value || !notifier.IsEnabled) return;
        log.LogInformation("systemd watchdog: {Timeout} s; heartbeat every {Period} s while sampling progresses",
            value.TotalSeconds, value.TotalSeconds / 2);
        string? stalled = null;
        using var timer = new PeriodicTimer(value / 2, time);
        do
        {
            if (progress.FindStalled() is { } stall)
            {
                if (stalled != stall.Name)
                    log.LogError("{Loop} has made no progress for {Seconds:0.#} s: withholding the watchdog heartbeat so systemd restarts the service",
                        stall.Name, stall.Since.TotalSeconds);
                stalled = stall.Name;
                continue;
            }
            if (stalled is not null) log.LogWarning("{Loop} is making progress again; watchdog heartbeat resumed", stalled);
            stalled = null;
            notifier.Notify("WATCHDOG=1");
        }
        while (await Ticks.NextAsync(timer, stoppingToken).ConfigureAwait(false));
    }
}

/// <summary>The watchdog timeout systemd set (null: no watchdog), as a DI-friendly value.</summary>
public sealed record WatchdogTimeout(TimeSpan? Value);
