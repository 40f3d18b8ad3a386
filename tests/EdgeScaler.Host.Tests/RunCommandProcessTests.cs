namespace EdgeScaler.Host.Tests;

using System.Diagnostics;
using EdgeScaler.TestKit;

/// <summary>`edgescaler run` as a real process, with a real NOTIFY_SOCKET in systemd's place, on board fixtures.</summary>
[Collection(SerialCollection.Name)]
public sealed class RunCommandProcessTests : IDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("es-run-").FullName;

    private string Config(string board, string interval = "200ms")
    {
        var path = Path.Combine(_dir, "edgescaler.json");
        File.WriteAllText(path, $$"""{ "node": { "hostRoot": "{{RepoPaths.Of($"boards/{board}/fixture")}}", "interval": "{{interval}}" } }""");
        return path;
    }

    [Fact]
    public void Signals_ready_and_watchdog_then_stops_cleanly_on_sigterm_within_5_seconds()
    {
        using var listener = new NotifySocketListener();
        using var agent = new EdgescalerProcess(["run", "--config", Config("rpi-4b")],
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = listener.Path, ["WATCHDOG_USEC"] = "1000000" });
        Assert.True(listener.WaitFor("READY=1", Long), agent.Output);
        Assert.True(listener.WaitFor("WATCHDOG=1", Long), agent.Output);
        Assert.True(listener.WaitFor("WATCHDOG=1", Long), agent.Output);

        var stopwatch = Stopwatch.StartNew();
        agent.SendSigterm();
        var code = agent.WaitForExit(TimeSpan.FromSeconds(5));
        stopwatch.Stop();
        Assert.True(code is not null, $"still running 5 s after SIGTERM\n{agent.Output}");
        Assert.Equal(0, code);
        Assert.True(listener.WaitFor("STOPPING=1", TimeSpan.FromSeconds(5)));
        Assert.Contains("board rpi-4b", agent.Output);
    }

    [Fact]
    public void A_problem_present_on_every_tick_is_logged_once()
    {
        using var listener = new NotifySocketListener();
        using var agent = new EdgescalerProcess(["run", "--config", Config("rpi-5")], new Dictionary<string, string> { ["NOTIFY_SOCKET"] = listener.Path });
        Assert.True(listener.WaitFor("READY=1", Long), agent.Output);
        // Let several more samples pass (200 ms apart), then stop and read the log.
        Thread.Sleep(TimeSpan.FromSeconds(2));
        agent.SendSigterm();
        Assert.Equal(0, agent.WaitForExit(Long));
        var lines = agent.Output.Split('\n');
        Assert.Single(lines, l => l.Contains("memory cgroup controller is disabled"));
        Assert.Contains("cgroup_memory=1 cgroup_enable=memory", agent.Output);
    }

    [Fact]
    public void Invalid_config_exits_2_listing_every_problem_without_starting()
    {
        var path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, """{ "node": { "interval": "fast", "hostRot": "/" }, "mqtt": 1 }""");
        using var agent = new EdgescalerProcess(["run", "--config", path]);
        Assert.Equal(2, agent.WaitForExit(Long));
        Assert.Contains("3 configuration problems", agent.Output);
        Assert.Contains("$.node.hostRot", agent.Output);
        Assert.Contains("$.mqtt", agent.Output);
        Assert.Contains("$.node.interval", agent.Output);
    }

    [Fact]
    public void Missing_host_root_exits_2_with_a_clear_message()
    {
        using var agent = new EdgescalerProcess(["run"], new Dictionary<string, string> { ["EDGESCALER__NODE__HOSTROOT"] = Path.Combine(_dir, "nope") });
        Assert.Equal(2, agent.WaitForExit(Long));
        Assert.Contains("does not exist", agent.Output);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
