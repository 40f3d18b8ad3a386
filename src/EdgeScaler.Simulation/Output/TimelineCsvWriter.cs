namespace EdgeScaler.Simulation.Output;

using EdgeScaler.Core.Thermal;
using EdgeScaler.Simulation.Engine;

/// <summary>
/// timeline.csv: one row per tick. Columns: time (ISO 8601), elapsed_s, ambient_c; per node &lt;node&gt;_temp_c,
/// _state, _freq_mhz, _util_pct, _throttled; the panel's LEDs led_&lt;name&gt;; per workload &lt;workload&gt;_demand_rps,
/// _served_rps, _dropped, _latency_ms, _replicas, _ready, _desired, _reason. Fixed decimals, invariant culture, "\n"
/// line ends — the same run gives the same bytes.
/// </summary>
public static class TimelineCsvWriter
{
    public static void Write(RunResult run, TextWriter w)
    {
        var ledNames = run.Ticks.Count > 0 ? run.Ticks[^1].Leds.Select(l => l.Name).ToList() : [];
        var header = new List<string> { "time", "elapsed_s", "ambient_c" };
        foreach (var n in run.NodeNames)
            header.AddRange([$"{n}_temp_c", $"{n}_state", $"{n}_freq_mhz", $"{n}_util_pct", $"{n}_throttled"]);
        header.AddRange(ledNames.Select(l => $"led_{l}"));
        foreach (var wl in run.WorkloadNames)
            header.AddRange([$"{wl}_demand_rps", $"{wl}_served_rps", $"{wl}_dropped", $"{wl}_latency_ms", $"{wl}_replicas", $"{wl}_ready", $"{wl}_desired", $"{wl}_reason"]);
        w.Write(string.Join(',', header.Select(Csv.Field)));
        w.Write('\n');

        var row = new List<string>(header.Count);
        foreach (var t in run.Ticks)
        {
            row.Clear();
            row.Add(t.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
            row.Add(Csv.F(t.Elapsed.TotalSeconds, 0));
            row.Add(Csv.F(t.AmbientCelsius, 2));
            foreach (var n in t.Nodes)
            {
                row.Add(Csv.F(n.Celsius, 2));
                row.Add(n.State.ToWire());
                row.Add(n.FrequencyMHz.ToString(System.Globalization.CultureInfo.InvariantCulture));
                row.Add(Csv.F(n.Utilization * 100, 1));
                row.Add(n.Throttled ? "1" : "0");
            }
            foreach (var name in ledNames)
            {
                var led = t.Leds.FirstOrDefault(l => l.Name == name);
                row.Add(led.State ?? "");
            }
            foreach (var wl in t.Workloads)
            {
                row.Add(Csv.F(wl.Demand, 2));
                row.Add(Csv.F(wl.Served, 2));
                row.Add(Csv.F(wl.Dropped, 2));
                row.Add(Csv.F(wl.LatencyMs, 1));
                row.Add(wl.Replicas.ToString(System.Globalization.CultureInfo.InvariantCulture));
                row.Add(wl.ReadyReplicas.ToString(System.Globalization.CultureInfo.InvariantCulture));
                row.Add(wl.Desired.ToString(System.Globalization.CultureInfo.InvariantCulture));
                row.Add(Csv.Field(wl.Reason));
            }
            w.Write(string.Join(',', row));
            w.Write('\n');
        }
    }
}
