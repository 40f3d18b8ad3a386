namespace EdgeScaler.Simulation.Tests;

using System.Globalization;
using System.Xml.Linq;
using EdgeScaler.Simulation.Engine;
using EdgeScaler.Simulation.Output;
using EdgeScaler.Simulation.Scenarios;

public class OutputWriterTests
{
    private static RunResult ShortRun(string policy = "hold")
    {
        var s = ScenarioLibrary.Default with { Duration = TimeSpan.FromMinutes(40) };
        var sim = new Simulator(s, new ScriptedReplicas(e => e > TimeSpan.FromMinutes(20) ? 6 : null), new ProfileClassifier());
        return SimulationRun.Result(sim, policy, sim.RunToEnd());
    }

    [Fact]
    public void Csv_has_one_row_per_tick_and_the_promised_columns()
    {
        var run = ShortRun();
        var w = new StringWriter();
        TimelineCsvWriter.Write(run, w);
        var lines = w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(run.Ticks.Count + 1, lines.Length);
        var header = lines[0].Split(',');
        Assert.Equal(["time", "elapsed_s", "ambient_c"], header[..3]);
        foreach (var node in run.NodeNames)
            foreach (var col in new[] { "temp_c", "state", "freq_mhz", "util_pct", "throttled" })
                Assert.Contains($"{node}_{col}", header);
        foreach (var col in new[] { "demand_rps", "served_rps", "dropped", "latency_ms", "replicas", "ready", "desired", "reason" })
            Assert.Contains($"default/web_{col}", header);
        var row = lines[^1].Split(',');
        Assert.Equal(header.Length, row.Length);
        Assert.Equal("2400", row[1]);
        var temp = double.Parse(row[Array.IndexOf(header, "pi4-1_temp_c")], CultureInfo.InvariantCulture);
        Assert.InRange(temp, 30, 100);
        Assert.Contains(row[Array.IndexOf(header, "pi4-1_state")], new[] { "cool", "warm", "hot", "critical" });
        Assert.Equal("6", row[Array.IndexOf(header, "default/web_desired")]);
    }

    [Fact]
    public void Svg_is_well_formed_and_draws_every_node_the_limits_and_the_workload()
    {
        var run = ShortRun();
        var doc = XDocument.Parse(TimelineSvgWriter.Render(run));
        XNamespace svg = "http://www.w3.org/2000/svg";
        Assert.Equal(svg + "svg", doc.Root!.Name);
        var texts = doc.Descendants(svg + "text").Select(t => t.Value).ToList();
        Assert.Contains(texts, t => t.Contains("hot limit", StringComparison.Ordinal) && t.Contains("80 °C", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("hard limit 85 °C", StringComparison.Ordinal));
        foreach (var n in run.NodeNames) Assert.Contains(n, texts);
        Assert.Contains("default/web", texts);
        // node lines + ambient + replicas/desired + demand/served
        Assert.True(doc.Descendants(svg + "polyline").Count() >= run.NodeNames.Count + 1 + 2 + 2);
        // Downsampled: no polyline has more points than the plot is wide.
        Assert.All(doc.Descendants(svg + "polyline"), p => Assert.True(p.Attribute("points")!.Value.Split(' ').Length <= 2 * 840));
    }

    [Fact]
    public void Summary_compares_the_policies_side_by_side()
    {
        var a = ShortRun("ignore");
        var md = SummaryWriter.Render(a, [a.Summarize(), a.Summarize() with { Policy = "hold" }, a.Summarize() with { Policy = "shed" }]);
        Assert.Contains("| | `ignore` | `hold` | `shed` |", md);
        foreach (var row in new[] { "peak temperature", "throttled", "above hot limit", "requests dropped", "p95 latency", "replica-hours" })
            Assert.Contains($"| {row}", md);
    }

    [Fact]
    public void Summary_numbers_follow_from_the_ticks()
    {
        var run = ShortRun();
        var s = run.Summarize();
        Assert.Equal(run.Ticks.Max(t => t.Nodes.Max(n => n.Celsius)), s.PeakCelsius);
        Assert.Equal(run.Ticks.Sum(t => t.Nodes.Count(n => n.Throttled)), s.SecondsThrottled);
        Assert.Equal(run.Ticks.Sum(t => t.Workloads.Sum(w => w.Dropped)), s.RequestsDropped, 6);
        Assert.Equal(run.Ticks.Sum(t => t.Workloads.Sum(w => w.Replicas)) / 3600.0, s.ReplicaHours, 9);
    }

    [Fact]
    public void P95_weighs_each_tick_by_requests_served()
    {
        // 90 requests at 10 ms, 10 at 1000 ms: the 95th percentile request waited 1000 ms.
        Assert.Equal(1000, RunSummary.Percentile([(10, 90), (1000, 10)], 0.95));
        Assert.Equal(10, RunSummary.Percentile([(10, 96), (1000, 4)], 0.95));
        Assert.Equal(0, RunSummary.Percentile([], 0.95));
    }

    [Fact]
    public void Files_are_written_whole_into_the_out_directory()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"sim-out-{Guid.NewGuid():N}");
        try
        {
            var run = ShortRun();
            OutputFiles.WriteTimeline(run, dir);
            OutputFiles.WriteSummary(run, [run.Summarize()], dir);
            Assert.Equal(new[] { "summary.md", "timeline.csv", "timeline.svg" }, Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally { Directory.Delete(dir, true); }
    }
}
