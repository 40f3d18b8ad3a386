namespace EdgeScaler.Simulation.Tests;

using EdgeScaler.Core.Thermal;
using EdgeScaler.Simulation.Engine;
using EdgeScaler.Simulation.Scenarios;
using EdgeScaler.Simulation.Thermal;

/// <summary>The simulation classifies nodes with the node agent's own classifier and the boards' own profiles.</summary>
public class ProfileClassifierTests
{
    [Fact]
    public void Every_simulated_board_has_a_real_board_profile()
    {
        foreach (var b in BoardCatalog.All)
            Assert.True(EdgeScaler.Node.Boards.BoardCatalog.BuiltIn.Find(b.BoardId) is not null, $"no boards/{b.BoardId}/profile.json");
    }

    [Fact]
    public void Hot_limit_and_states_come_from_the_profile()
    {
        var scenario = ScenarioParser.Parse(ScenarioParserTests.Minimal, "t.json");
        var node = new SimNode(scenario.Nodes[0], 50);
        var c = new ProfileClassifier();
        var profile = EdgeScaler.Node.Boards.BoardCatalog.BuiltIn.Find("rpi-4b")!;
        Assert.Equal(profile.Limits.HotCelsius, c.HotLimitCelsius(node));
        Assert.Equal(ThermalState.Cool, c.Classify(node, scenario.Start));
    }

    [Fact]
    public void A_pi_3b_plus_at_its_soft_limit_is_at_least_warm_through_the_firmware_flags()
    {
        var json = ScenarioParserTests.Minimal.Replace("\"board\": \"rpi4\"", "\"board\": \"rpi-3bplus\"");
        var scenario = ScenarioParser.Parse(json, "t.json");
        var sim = new Simulator(scenario with { Nodes = [scenario.Nodes[0] with { InitialCelsius = 61 }] }, new ScriptedReplicas(_ => null), new ProfileClassifier());
        sim.Step();
        var n = sim.Cluster.Nodes[0];
        Assert.True(n.Clock.SoftLimitActive);
        Assert.True(n.Flags!.Value.SoftTempLimitNow);
        Assert.True(n.State >= ThermalState.Warm, $"state {n.State}");
    }
}
