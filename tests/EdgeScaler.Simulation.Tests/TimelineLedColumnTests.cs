namespace EdgeScaler.Simulation.Tests;

using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Simulation.Engine;
using EdgeScaler.Simulation.Output;
using EdgeScaler.Simulation.Scenarios;
using EdgeScaler.TestKit;

/// <summary>
/// timeline.csv's led_green/led_amber/led_red columns against the LED table in docs/panel.md: every row whose state
/// (worst node state, a rescale rolling out, the target pinned) the table lists shows exactly the table's patterns.
/// </summary>
public class TimelineLedColumnTests
{
    private static readonly HpaRef Web = new("default", "web");

    /// <summary>docs/panel.md's rows that a simulation can be in, keyed by (thermal, scaling, target pinned).</summary>
    private static Dictionary<(string Thermal, bool Scaling, bool Pinned), (string Green, string Amber, string Red)> DocumentedTable()
    {
        var text = File.ReadAllText(RepoPaths.Of("docs/panel.md"));
        var table = text[text.IndexOf("<!-- led-table -->", StringComparison.Ordinal)..text.IndexOf("<!-- /led-table -->", StringComparison.Ordinal)];
        var rows = new Dictionary<(string, bool, bool), (string, string, string)>();
        foreach (var line in table.Split('\n').Skip(3))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length < 6) continue;
            string thermal = "cool";
            bool scaling = false, pinned = false, other = false;
            foreach (var token in cells[1].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                switch (token)
                {
                    case "unknown" or "cool" or "warm" or "hot" or "critical": thermal = token; break;
                    case "scaling": scaling = true; break;
                    case "override:target": pinned = true; break;
                    default: other = true; break; // alarms, API loss, presses: not states a simulation is in on its own
                }
            }
            if (!other) rows[(thermal, scaling, pinned)] = (cells[2], cells[3], cells[4]);
        }
        return rows;
    }

    [Fact]
    public async Task Each_timeline_row_shows_the_LED_patterns_docs_panel_md_gives_for_its_state()
    {
        var table = DocumentedTable();
        Assert.True(table.Count >= 6, "docs/panel.md should list the thermal, scaling and override rows");

        // The default scenario warms up, turns hot in the spike and rescales; a 20-minute pin while it is still cool
        // adds the override rows.
        var scenario = ScenarioLibrary.Default;
        var sim = new Simulator(scenario, new RealScalerBridge(), new ProfileClassifier()) { Overrides = new SimulatedOverrides(scenario) };
        var ticks = new List<TickRecord>();
        while (sim.Elapsed < TimeSpan.FromMinutes(5)) ticks.Add(sim.Step());
        var pin = await sim.Overrides!.SubmitAsync(OverrideRequest.Pin(Web, 12, TimeSpan.FromMinutes(20), false, OverrideSource.Panel, sim.Now));
        Assert.True(pin.Accepted, pin.Reason);
        while (!sim.Finished) ticks.Add(sim.Step());
        var csv = new StringWriter();
        TimelineCsvWriter.Write(SimulationRun.Result(sim, "hold", ticks), csv);
        var timeline = new Timeline(csv.ToString());
        Assert.Contains("led_green", timeline.Header);

        var nodes = timeline.Header.Where(h => h.EndsWith("_state", StringComparison.Ordinal)).ToList();
        var order = new[] { "unknown", "cool", "warm", "hot", "critical" };
        var matched = new HashSet<(string, bool, bool)>();
        var rowsMatched = 0;
        var rescaledAt = TimeSpan.MinValue;
        var previousDesired = "";
        foreach (var row in timeline.Rows)
        {
            var thermal = nodes.Select(n => timeline.Get(row, n)).MaxBy(s => Array.IndexOf(order, s))!;
            // The agent's rule: a rescale is "in progress" while the newest decision changed the count within 30 s.
            var elapsed = TimeSpan.FromSeconds(int.Parse(timeline.Get(row, "elapsed_s")));
            var desired = timeline.Get(row, "default/web_desired");
            if (elapsed.Ticks % Simulator.HpaSyncPeriod.Ticks == 0) rescaledAt = desired != previousDesired ? elapsed : TimeSpan.MinValue;
            previousDesired = desired;
            var scaling = rescaledAt != TimeSpan.MinValue && elapsed - rescaledAt <= TimeSpan.FromSeconds(30);
            var pinned = timeline.Get(row, "default/web_reason").StartsWith("override from", StringComparison.Ordinal);
            if (!table.TryGetValue((thermal, scaling, pinned), out var leds)) continue;
            var actual = (timeline.Get(row, "led_green"), timeline.Get(row, "led_amber"), timeline.Get(row, "led_red"));
            Assert.True(leds == actual, $"at {timeline.Get(row, "time")} ({thermal}{(scaling ? " scaling" : "")}{(pinned ? " override:target" : "")}): docs say {leds}, timeline has {actual}");
            matched.Add((thermal, scaling, pinned));
            rowsMatched++;
        }
        foreach (var state in new[] { ("cool", false, false), ("cool", true, false), ("warm", false, false), ("hot", false, false) })
            Assert.Contains(state, matched);
        Assert.Contains(matched, m => m.Item3);
        Assert.True(rowsMatched > timeline.Rows.Count * 9 / 10, $"only {rowsMatched} of {timeline.Rows.Count} rows are in a documented state");
    }
}
