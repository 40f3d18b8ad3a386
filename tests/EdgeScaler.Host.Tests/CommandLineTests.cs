namespace EdgeScaler.Host.Tests;

using EdgeScaler.Host.Cli;
using static EdgeScaler.Host.Tests.InProcessCli;

public class CommandLineTests
{
    [Fact]
    public async Task Unknown_verb_prints_usage_and_exits_2()
    {
        var (code, _, err) = await Run("frobnicate");
        Assert.Equal(2, code);
        Assert.Contains("unknown verb 'frobnicate'", err);
        Assert.Contains("Usage: edgescaler", err);
    }

    [Fact]
    public async Task Bad_flag_prints_verb_usage_and_exits_2()
    {
        var (code, _, err) = await Run("version", "--nope");
        Assert.Equal(2, code);
        Assert.Contains("unknown option '--nope'", err);
        Assert.Contains("Usage: edgescaler version", err);
    }

    [Fact]
    public async Task Help_lists_every_registered_verb()
    {
        var (code, output, _) = await Run("--help");
        Assert.Equal(0, code);
        foreach (var v in Verbs.All) Assert.Contains($"  {v.Name} ", output);
    }

    [Fact]
    public async Task Version_json_names_the_runtime_identifier()
    {
        var (code, output, _) = await Run("version", "--json");
        Assert.Equal(0, code);
        Assert.Contains($"\"rid\":\"{System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}\"", output);
    }
}
