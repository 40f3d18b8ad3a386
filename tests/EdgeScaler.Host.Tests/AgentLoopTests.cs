namespace EdgeScaler.Host.Tests;

using EdgeScaler.Host.Agent;
using EdgeScaler.Host.Composition;
using EdgeScaler.Host.Configuration;
using EdgeScaler.Host.Systemd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>
/// The agent's host as `run` composes it, with a real NOTIFY_SOCKET listener in systemd's place and a sample
/// source that can be made to hang.
/// </summary>
[Collection(SerialCollection.Name)]
public class AgentLoopTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(15);

    private static IHost Build(NotifySocketListener listener, GatedSampleSource source, TestLogger logs, TimeSpan? watchdog)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "edgescaler-test", ContentRootPath = "/" });
        builder.AddAgent(new EdgeScalerConfig());
        // Test doubles for what systemd and the node would provide (later registrations win).
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton(new SystemdNotifier(listener.Path));
        builder.Services.AddSingleton(new WatchdogTimeout(watchdog));
        builder.Services.AddSingleton(new SamplingSettings(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(300)));
        builder.Services.AddSingleton<ISampleSource>(source);
        return builder.Build();
    }

    [Fact]
    public async Task Ready_is_sent_when_the_first_sample_is_taken_and_not_before()
    {
        using var listener = new NotifySocketListener();
        var source = new GatedSampleSource();
        source.Stick();
        using var host = Build(listener, source, new TestLogger(), watchdog: null);
        await host.StartAsync();
        Assert.True(source.WaitStuck(Long));
        Assert.False(listener.WaitFor("READY=1", TimeSpan.FromMilliseconds(700)), "READY=1 before the first sample completed");
        source.Unstick();
        Assert.True(listener.WaitFor("READY=1", Long));
        await host.StopAsync();
        Assert.True(listener.WaitFor("STOPPING=1", Long));
    }

    [Fact]
    public async Task Watchdog_heartbeat_follows_sampling_progress_and_stops_while_the_loop_is_stuck()
    {
        using var listener = new NotifySocketListener();
        var source = new GatedSampleSource();
        var logs = new TestLogger();
        using var host = Build(listener, source, logs, watchdog: TimeSpan.FromMilliseconds(200));
        await host.StartAsync();
        Assert.True(listener.WaitFor("READY=1", Long));
        Assert.True(listener.WaitFor("WATCHDOG=1", Long));
        Assert.True(listener.WaitFor("WATCHDOG=1", Long));

        source.Stick();
        Assert.True(source.WaitStuck(Long));
        // Stalled once the loop has gone interval + budget (500 ms) without a beat; then no heartbeat at all.
        await Task.Delay(TimeSpan.FromSeconds(1));
        listener.Drain("WATCHDOG=1");
        Assert.False(listener.WaitFor("WATCHDOG=1", TimeSpan.FromSeconds(1.5)), "heartbeat sent while the sampling loop was stuck");

        source.Unstick();
        Assert.True(listener.WaitFor("WATCHDOG=1", Long));
        await host.StopAsync();
        Assert.Single(logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains("made no progress"));
        Assert.Single(logs.Lines, l => l.Message.Contains("heartbeat resumed"));
    }

    [Fact]
    public async Task No_watchdog_heartbeat_when_systemd_asked_for_none()
    {
        using var listener = new NotifySocketListener();
        var source = new GatedSampleSource();
        using var host = Build(listener, source, new TestLogger(), watchdog: null);
        await host.StartAsync();
        Assert.True(listener.WaitFor("READY=1", Long));
        Assert.True(source.WaitForMoreCalls(3, Long));
        await host.StopAsync();
        Assert.DoesNotContain("WATCHDOG=1", listener.All);
    }

    [Fact]
    public async Task A_lasting_problem_is_logged_once_when_it_appears_and_once_when_it_clears()
    {
        using var listener = new NotifySocketListener();
        var source = new GatedSampleSource { Problems = ["thermal zone cpu-thermal: read timed out after 500ms"] };
        var logs = new TestLogger();
        using var host = Build(listener, source, logs, watchdog: null);
        await host.StartAsync();
        Assert.True(source.WaitForMoreCalls(5, Long));
        source.Problems = [];
        Assert.True(source.WaitForMoreCalls(3, Long));
        await host.StopAsync();
        var lines = logs.Lines.Where(l => l.Message.Contains("cpu-thermal")).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(LogLevel.Warning, lines[0].Level);
        Assert.Contains("resolved", lines[1].Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Notifier_sends_datagrams_to_path_and_abstract_sockets(bool abstractName)
    {
        using var listener = new NotifySocketListener(abstractName);
        using var notifier = new SystemdNotifier(listener.Path);
        Assert.True(notifier.IsEnabled);
        Assert.True(notifier.Notify("STATUS=hello\nREADY=1"));
        Assert.True(listener.WaitFor("STATUS=hello", Long));
        Assert.True(listener.WaitFor("READY=1", Long));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("relative/path")]
    public void Notifier_is_off_without_a_usable_notify_socket(string? value)
    {
        using var notifier = new SystemdNotifier(value);
        Assert.False(notifier.IsEnabled);
        Assert.False(notifier.Notify("READY=1"));
    }

    [Theory]
    [InlineData("30000000", null, 30_000.0)]
    [InlineData("500000", "42", 500.0)]
    [InlineData("500000", "43", null)]
    [InlineData("0", null, null)]
    [InlineData("soon", null, null)]
    [InlineData(null, null, null)]
    public void Watchdog_timeout_comes_from_watchdog_usec_for_this_process(string? usec, string? pid, double? expectedMs)
    {
        var env = new Dictionary<string, string?> { ["WATCHDOG_USEC"] = usec, ["WATCHDOG_PID"] = pid };
        var timeout = WatchdogSettings.Timeout(k => env.GetValueOrDefault(k), processId: 42);
        Assert.Equal(expectedMs, timeout?.TotalMilliseconds);
    }
}
