namespace EdgeScaler.Host.Tests;

using System.Text.Json;
using EdgeScaler.Host.Cli;
using static EdgeScaler.Host.Tests.InProcessCli;
using EdgeScaler.TestKit;

/// <summary>`edgescaler sample` end to end: against the bundled board fixtures (real files in the kernel's layouts) and this machine.</summary>
public class SampleCommandTests
{
    private static string Fixture(string board) => RepoPaths.Of($"boards/{board}/fixture");

    [Fact]
    public async Task Pi4_fixture_text_shows_board_zone_flags_and_pods()
    {
        var (code, output, _) = await Run("sample", "--host-root", Fixture("rpi-4b"), "--interval", "150ms");
        Assert.Equal(0, code);
        Assert.Contains("board:    rpi-4b", output);
        Assert.Contains("zone cpu-thermal", output);
        Assert.Contains("48.3 °C", output);
        Assert.Contains("throttle flags 0x0 from get_throttled", output);
        Assert.Contains("thermal:  cool", output);
        Assert.Contains("cgroup v2, systemd driver", output);
        Assert.Contains("pods:     3", output);
        Assert.DoesNotContain("PARTIAL", output);
    }

    [Fact]
    public async Task Pi4_fixture_json_has_counters_rates_and_working_sets()
    {
        var (code, output, _) = await Run("sample", "--host-root", Fixture("rpi-4b"), "--interval", "150ms", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("schema").GetInt32());
        Assert.Equal("rpi-4b", root.GetProperty("board").GetProperty("id").GetString());
        Assert.False(root.GetProperty("partial").GetBoolean());
        Assert.Equal("cool", root.GetProperty("thermal").GetProperty("state").GetString());
        Assert.Equal(48.312, root.GetProperty("thermal").GetProperty("hottestCelsius").GetDouble(), 3);
        // The window is a Go duration string, and at least the requested interval.
        var window = Core.Units.GoDuration.Parse(root.GetProperty("window").GetString()!);
        Assert.True(window >= TimeSpan.FromMilliseconds(150), $"window {window}");
        // Node totals the kubelet way on v2: root cpu.stat usage_usec × 1000; anon + file − inactive_file.
        var node = root.GetProperty("node");
        Assert.Equal(98211530L * 1000, node.GetProperty("cpu").GetProperty("usageNanoseconds").GetInt64());
        Assert.Equal("cgroup", node.GetProperty("cpuSource").GetString());
        // A static tree: nothing ran between the samples, so the rate is exactly 0 (not missing).
        Assert.Equal(0, node.GetProperty("cpu").GetProperty("nanoCores").GetInt64());

        var pods = root.GetProperty("pods").EnumerateArray().ToList();
        Assert.Equal(["BestEffort", "Burstable", "Guaranteed"], pods.Select(p => p.GetProperty("qos").GetString()!).Order());
        var guaranteed = pods.Single(p => p.GetProperty("qos").GetString() == "Guaranteed");
        var app = guaranteed.GetProperty("containers").EnumerateArray()
            .Single(c => c.GetProperty("cpu").GetProperty("usageNanoseconds").GetInt64() == 183205731L * 1000);
        Assert.Equal(57000000 - 26017792, app.GetProperty("memoryWorkingSetBytes").GetInt64()); // spec's worked example
        Assert.Matches("^[0-9a-f]{64}$", app.GetProperty("id").GetString()!);
        Assert.NotEqual(JsonValueKind.Null, app.GetProperty("pressure").ValueKind);
        // inactive_file larger than usage clamps at 0.
        var besteffort = pods.Single(p => p.GetProperty("qos").GetString() == "BestEffort");
        Assert.Contains(besteffort.GetProperty("containers").EnumerateArray(), c => c.GetProperty("memoryWorkingSetBytes").GetInt64() == 0);
    }

    [Fact]
    public async Task Memory_controller_disabled_warns_with_the_cmdline_fix_and_reports_no_memory()
    {
        var (code, output, _) = await Run("sample", "--host-root", Fixture("rpi-5"), "--interval", "150ms", "--json");
        Assert.Equal(1, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("partial").GetBoolean());
        Assert.False(root.GetProperty("cgroup").GetProperty("memoryController").GetBoolean());
        Assert.Contains(root.GetProperty("problems").EnumerateArray(), p =>
            p.GetProperty("kind").GetString() == "configuration" && p.GetProperty("message").GetString()!.Contains("cgroup_memory=1 cgroup_enable=memory"));
        foreach (var pod in root.GetProperty("pods").EnumerateArray())
            foreach (var c in pod.GetProperty("containers").EnumerateArray())
                Assert.Equal(JsonValueKind.Null, c.GetProperty("memoryWorkingSetBytes").ValueKind); // never a made-up number
        // Node memory still comes from /proc/meminfo.
        Assert.Equal("/proc/meminfo", root.GetProperty("node").GetProperty("memorySource").GetString());
    }

    [Fact]
    public async Task Runs_on_this_machines_real_cgroups_and_proc()
    {
        var (code, output, err) = await Run("sample", "--interval", "300ms", "--json");
        Assert.True(code is 0 or 1, err);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        var version = root.GetProperty("cgroup").GetProperty("version").GetInt32();
        Assert.True(version is 1 or 2, $"cgroup version {version}");
        var node = root.GetProperty("node");
        // This machine is busy running the test: node CPU moved, and the rate is a real number.
        var usage = node.GetProperty("cpu").GetProperty("usageNanoseconds").GetInt64();
        var rate = node.GetProperty("cpu").GetProperty("nanoCores").GetInt64();
        Assert.True(usage > 0);
        // At most every core busy; the margin covers the few ms between taking a timestamp and reading the counter.
        Assert.InRange(rate, 0, Environment.ProcessorCount * 1_250_000_000L);
        var ws = node.GetProperty("memoryWorkingSetBytes").GetInt64();
        var total = ParseMemTotal(File.ReadAllText("/proc/meminfo"));
        Assert.InRange(ws, 1, total);
        // Whatever the problems, each has a message and says which path.
        foreach (var p in root.GetProperty("problems").EnumerateArray())
        {
            Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("message").GetString()));
            Assert.StartsWith("/", p.GetProperty("path").GetString());
        }
        Assert.Equal(code == 1, root.GetProperty("partial").GetBoolean());
    }

    private static long ParseMemTotal(string meminfo)
    {
        var line = meminfo.Split('\n').First(l => l.StartsWith("MemTotal:"));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    [Theory]
    [InlineData("--interval", "100ms", "more than 100ms")]
    [InlineData("--interval", "1", "missing unit")]
    [InlineData("--interval", "PT1S", "invalid duration")]
    [InlineData("--board", "nope", "unknown board 'nope'")]
    [InlineData("--host-root", "/definitely/not/here", "does not exist")]
    [InlineData("--frob", "x", "unknown option '--frob'")]
    public async Task Bad_flags_exit_2_with_a_clear_message_and_usage(string flag, string value, string expected)
    {
        var (code, _, err) = await Run("sample", flag, value);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
        Assert.Contains("Usage: edgescaler sample", err);
    }

    [Fact]
    public async Task Board_flag_overrides_detection()
    {
        var (code, output, _) = await Run("sample", "--host-root", Fixture("rpi-4b"), "--interval", "150ms", "--board", "rpi-cm4", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("rpi-cm4", doc.RootElement.GetProperty("board").GetProperty("id").GetString());
        Assert.Equal("chosen by configuration", doc.RootElement.GetProperty("board").GetProperty("detectedBy").GetString());
    }
}
