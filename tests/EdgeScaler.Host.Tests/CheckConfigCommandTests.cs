namespace EdgeScaler.Host.Tests;

using EdgeScaler.Host.Cli;
using EdgeScaler.Host.Commands;
using static EdgeScaler.Host.Tests.InProcessCli;
using EdgeScaler.TestKit;

public class CheckConfigCommandTests
{
    [Fact]
    public async Task Valid_file_exits_0()
    {
        var (code, output, _) = await Run("check-config", "--config", RepoPaths.Of("deploy/edgescaler.example.json"));
        Assert.Equal(0, code);
        Assert.EndsWith("edgescaler.example.json: OK", output.Trim());
    }

    [Fact]
    public async Task Invalid_file_lists_every_problem_and_exits_2()
    {
        var (code, _, err) = await Run("check-config", "--config", RepoPaths.Of("tests/EdgeScaler.Host.Tests/Fixtures/bad-config.json"));
        Assert.Equal(2, code);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith("bad-config.json: 5 problems", lines[0]);
        Assert.Equal(5, lines.Count(l => l.StartsWith("  $.", StringComparison.Ordinal)));
        Assert.Contains("  $.node.interval: got 10; expected a string", err);
    }

    [Fact]
    public async Task Print_shows_the_effective_configuration()
    {
        var (code, output, _) = await Run("check-config", "--config", RepoPaths.Of("deploy/edgescaler.example.json"), "--print");
        Assert.Equal(0, code);
        Assert.Contains("\"interval\": \"10s\"", output);
    }

    [Fact]
    public async Task Stray_argument_is_a_usage_error()
    {
        var (code, _, err) = await Run("check-config", "extra");
        Assert.Equal(2, code);
        Assert.Contains("Usage: edgescaler check-config", err);
    }

    [Fact]
    public void Version_reports_jit_when_running_under_the_jit()
    {
        // The test host is CoreCLR with a JIT; Native AOT detection must not be fooled by the project's feature switches.
        Assert.False(VersionCommand.IsNativeAot);
    }
}
