namespace EdgeScaler.Host.Tests;

using EdgeScaler.Host.Cli;
using static EdgeScaler.Host.Tests.InProcessCli;

/// <summary>`edgescaler simulate` end to end through the CLI dispatcher.</summary>
public class SimulateCommandTests
{
    [Fact]
    public async Task Default_scenario_writes_timeline_plot_and_summary()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"simulate-cli-{Guid.NewGuid():N}");
        try
        {
            var (code, output, err) = await Run("simulate", "--duration", "20m", "--speed", "max", "--out", dir);
            Assert.True(code == 0, err);
            Assert.Contains("Simulating 'pi4-heatwave-spike'", output);
            Assert.Contains("metrics API: https://127.0.0.1:", output);
            Assert.Matches(@"MQTT: mqtt://127\.0\.0\.1:[0-9]+ \(embedded broker\)", output);
            Assert.Contains("led_green,led_amber,led_red", File.ReadLines(Path.Combine(dir, "timeline.csv")).First());
            Assert.Contains($"Picture:  {Path.Combine(dir, "timeline.svg")}", output);
            Assert.Contains("| | `ignore` | `hold` | `shed` |", output);
            Assert.Equal(20 * 60 + 1, File.ReadAllLines(Path.Combine(dir, "timeline.csv")).Length);
            Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(dir, "timeline.svg")));
            Assert.Contains("| peak temperature |", File.ReadAllText(Path.Combine(dir, "summary.md")));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task A_bad_scenario_file_exits_2_naming_the_field()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{"name":"x","nodes":[{"name":"a","board":"rpi-4b","cooling":"liquid"}],"workloads":[]}""");
        try
        {
            var (code, _, err) = await Run("simulate", "--scenario", file);
            Assert.Equal(2, code);
            Assert.Contains("$.nodes[0].cooling: unknown value 'liquid'", err);
            Assert.Contains(file, err);
        }
        finally { File.Delete(file); }
    }

    [Theory]
    [InlineData("--speed", "fast", "--speed: expected a positive number or 'max'")]
    [InlineData("--policy", "freeze", "--policy: expected hold, shed or ignore")]
    [InlineData("--duration", "soon", "--duration: expected a duration")]
    [InlineData("--metrics-address", "0.0.0.0:8443", "not a loopback address")]
    [InlineData("--mqtt", "http://x", "--mqtt: expected mqtt://host:port")]
    [InlineData("--no-mqtt", "--mqtt=mqtt://localhost:1883", "--mqtt and --no-mqtt contradict each other")]
    public async Task Bad_flags_exit_2_with_usage(string flag, string value, string message)
    {
        var (code, _, err) = await Run("simulate", flag, value);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
        Assert.Contains("Usage: edgescaler simulate", err);
    }

    [Fact]
    public async Task No_mqtt_runs_without_a_broker_and_says_nothing_about_MQTT()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"simulate-nomqtt-{Guid.NewGuid():N}");
        try
        {
            var (code, output, err) = await Run("simulate", "--no-mqtt", "--duration", "5m", "--no-compare", "--out", dir);
            Assert.True(code == 0, err);
            Assert.DoesNotContain("MQTT", output);
            Assert.Contains("metrics API: https://127.0.0.1:", output);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task Help_names_every_flag_the_command_accepts()
    {
        var (code, output, err) = await Run("simulate", "--help");
        var text = output + err;
        Assert.Equal(0, code);
        foreach (var flag in new[] { "--scenario", "--duration", "--speed", "--out", "--seed", "--policy", "--metrics-address", "--mqtt", "--no-mqtt", "--hold-open", "--no-compare", "--list-scenarios" })
            Assert.Contains(flag, text);
        Assert.Contains("u/+ up", text);
    }

    [Fact]
    public async Task List_scenarios_shows_the_built_in_ones_and_marks_the_default()
    {
        var (code, output, _) = await Run("simulate", "--list-scenarios");
        Assert.Equal(0, code);
        Assert.Contains("pi4-heatwave-spike (default)", output);
        Assert.Contains("mixed-pi5-rk3588", output);
        Assert.Contains("pi3bplus-fanless-steady", output);
    }
}
