namespace EdgeScaler.Simulation.Tests;

using EdgeScaler.Simulation.Model;
using EdgeScaler.Simulation.Scenarios;
using EdgeScaler.Simulation.Thermal;
using EdgeScaler.TestKit;

public class ScenarioParserTests
{
    [Fact]
    public void Every_built_in_scenario_parses_and_the_default_is_among_them()
    {
        Assert.Contains(ScenarioLibrary.DefaultName, ScenarioLibrary.Names);
        Assert.True(ScenarioLibrary.Names.Count >= 3);
        foreach (var name in ScenarioLibrary.Names)
        {
            var s = ScenarioLibrary.Load(name);
            Assert.NotEmpty(s.Nodes);
            Assert.NotEmpty(s.Workloads);
        }
    }

    [Fact]
    public void Built_in_scenarios_are_the_files_in_boards_scenarios()
    {
        var dir = RepoPaths.Of("boards/scenarios");
        var files = Directory.GetFiles(dir, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, ScenarioLibrary.Names);
        foreach (var f in Directory.GetFiles(dir, "*.json")) ScenarioParser.Load(f);
    }

    [Fact]
    public void Default_scenario_is_four_pi4_nodes_with_a_spike_on_a_hot_afternoon()
    {
        var s = ScenarioLibrary.Default;
        Assert.Equal(4, s.Nodes.Count);
        Assert.All(s.Nodes, n => Assert.Equal("rpi-4b", n.Board.BoardId));
        Assert.IsType<SpikeCurve>(s.Workloads[0].Demand);
        Assert.True(s.Ambient.ValueAt(TimeSpan.FromHours(1), s.Start.AddHours(1).TimeOfDay) > 35);
        Assert.Equal(TimeSpan.FromHours(2), s.Duration);
    }

    [Fact]
    public void Fields_are_read_with_units()
    {
        var s = ScenarioParser.Parse(Minimal, "t.json");
        var w = s.Workloads[0];
        Assert.Equal(0.025, w.CpuSecondsPerRequest, 9);
        Assert.Equal(500, w.Pod.CpuRequestMilli);
        Assert.Equal(1500, w.Pod.CpuLimitMilli);
        Assert.Equal(128L << 20, w.Pod.MemoryRequestBytes);
        Assert.Equal(TimeSpan.FromSeconds(90), w.Pod.StartupDelay);
        Assert.Equal(ThermalPolicyName.Shed, w.Hpa.Policy);
        Assert.Equal(new[] { "pi-1", "pi-2" }, s.Nodes.Select(n => n.Name));
        Assert.Equal(Cooling.Fan, s.Nodes[0].Cooling);
        Assert.Equal(BoardCatalog.RaspberryPi4.For(Cooling.Fan), s.Nodes[0].Heat);
        Assert.Equal(TimeSpan.FromMinutes(90), s.Duration);
        Assert.Equal(new TimeSpan(14, 0, 0), s.Start.TimeOfDay);
    }

    [Fact]
    public void Errors_name_the_path_to_each_bad_field_all_at_once()
    {
        var json = """
        {
          "name": "broken",
          "duration": "two hours",
          "nodes": [
            { "name": "pi", "count": 2, "board": "rpi9", "cooling": "fan" },
            { "name": "ok", "board": "rpi4", "coolng": "fan" }
          ],
          "workloads": [
            {
              "name": "web",
              "cpuPerRequest": "25ms",
              "pod": { "cpuRequest": "lots" },
              "demand": { "kind": "spik", "base": 1 },
              "hpa": { "minReplicas": 4, "maxReplicas": 2, "thermalPolicy": "freeze" }
            }
          ]
        }
        """;
        var e = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(json, "broken.json"));
        Assert.Equal("broken.json", e.File);
        Assert.Contains(e.Errors, m => m.StartsWith("$.duration: expected a duration", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.StartsWith("$.nodes[0].board: unknown board 'rpi9'", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m == "$.nodes[1].coolng: unknown field (did you mean 'cooling'?)");
        Assert.Contains(e.Errors, m => m.StartsWith("$.workloads[0].pod.cpuRequest: expected a CPU quantity", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.StartsWith("$.workloads[0].demand.kind: unknown curve kind 'spik'", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m == "$.workloads[0].hpa.maxReplicas: must be at least minReplicas (4), got 2");
        Assert.Contains(e.Errors, m => m.StartsWith("$.workloads[0].hpa.thermalPolicy: unknown value 'freeze'", StringComparison.Ordinal));
        Assert.Contains("broken.json", e.Message);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "$: expected an object")]
    [InlineData("""{"name":"x","nodes":[],"workloads":[]}""", "$.nodes: required")]
    [InlineData("""{"name":"x","nodes":[{"name":"a","board":"rpi4","systemCpu":"4"}],"workloads":[]}""", "$.nodes[0].systemCpu: must be less than")]
    [InlineData("""{"name":"x","tick":"1m","nodes":[{"name":"a","board":"rpi4"}],"workloads":[]}""", "$.tick: must be at most 15s")]
    [InlineData("""{"name":"x","nodes":[{"name":"a","board":"rpi4"},{"name":"a","board":"rpi5"}],"workloads":[]}""", "$.nodes: node name 'a' is used more than once")]
    public void Malformed_files_get_a_clear_error(string json, string expected)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(json, "x.json"));
        Assert.Contains(e.Errors, m => m.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Steps_out_of_order_and_bad_behavior_are_reported_with_paths()
    {
        var json = Minimal
            .Replace("\"demand\": 40", "\"demand\": { \"kind\": \"steps\", \"steps\": [ {\"at\": \"10m\", \"value\": 1}, {\"at\": \"5m\", \"value\": 2} ] }")
            .Replace("\"thermalPolicy\": \"shed\"", "\"thermalPolicy\": \"shed\", \"behavior\": { \"scaleUp\": { \"selectPolicy\": \"Most\", \"policies\": [ { \"type\": \"Pods\", \"value\": 0, \"periodSeconds\": 15 } ] } }");
        var e = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(json, "x.json"));
        Assert.Contains("$.workloads[0].demand.steps[1].at: steps must be in increasing time order", e.Errors);
        Assert.Contains(e.Errors, m => m.StartsWith("$.workloads[0].hpa.behavior.scaleUp.selectPolicy: unknown value 'Most'", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.StartsWith("$.workloads[0].hpa.behavior.scaleUp.policies[0].value: must be between 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_file_names_the_built_in_scenarios()
    {
        var e = Assert.Throws<FileNotFoundException>(() => ScenarioLibrary.Load("/nonexistent/nope.json"));
        Assert.Contains(ScenarioLibrary.DefaultName, e.Message);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("2h", 7200)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5h", 5400)]
    [InlineData("250ms", 0.25)]
    [InlineData("45", 45)]
    public void Durations_parse(string text, double seconds)
    {
        Assert.True(SimDuration.TryParse(text, out var t));
        Assert.Equal(seconds, t.TotalSeconds, 9);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2 hours")]
    [InlineData("h")]
    [InlineData("-5s")]
    [InlineData("5x")]
    public void Bad_durations_do_not_parse(string text) => Assert.False(SimDuration.TryParse(text, out _));

    internal const string Minimal = """
    {
      "name": "minimal",
      "duration": "90m",
      "start": "14:00",
      "seed": 5,
      "ambient": 30,
      "nodes": [ { "name": "pi", "count": 2, "board": "rpi4", "cooling": "fan" } ],
      "workloads": [
        {
          "name": "web",
          "cpuPerRequest": "25ms",
          "pod": { "cpuRequest": "500m", "cpuLimit": "1.5", "memoryRequest": "128Mi", "startup": "90s" },
          "demand": 40,
          "hpa": { "minReplicas": 2, "maxReplicas": 6, "targetCpuUtilization": 60, "thermalPolicy": "shed" }
        }
      ]
    }
    """;
}
