namespace EdgeScaler.Simulation.Output;

using System.Globalization;
using System.Text;

/// <summary>summary.md: the same scenario and seed under each thermal policy, side by side.</summary>
public static class SummaryWriter
{
    public static string Render(RunResult main, IReadOnlyList<RunSummary> byPolicy)
    {
        var s = main.Scenario;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# Simulation: {s.Name}\n\n");
        if (s.Description.Length > 0) sb.Append(s.Description).Append("\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"{s.Nodes.Count} nodes ({string.Join(", ", s.Nodes.GroupBy(n => (n.Board.BoardId, n.Cooling)).Select(g => $"{g.Count()}× {g.Key.BoardId} {g.Key.Cooling.ToString().ToLowerInvariant()}"))}), ");
        sb.Append(CultureInfo.InvariantCulture, $"{s.Workloads.Count} workload(s), {Model.SimDuration.Format(s.Duration)} from {s.Start.UtcDateTime:yyyy-MM-dd HH:mm} UTC, seed {s.Seed}. ");
        sb.Append("`ignore` is the plain upstream HPA; `hold` blocks scale-up on hot nodes; `shed` also scales down toward minReplicas.\n\n");
        sb.Append(Table(byPolicy));
        sb.Append('\n');
        sb.Append("- **peak temperature**: hottest SoC reading of any node.\n");
        sb.Append("- **throttled**: node-seconds the firmware/kernel ran the CPU below its top clock (summed over nodes).\n");
        sb.Append("- **above hot limit**: node-seconds at or above the board profile's hot limit.\n");
        sb.Append("- **dropped**: requests that found no ready pod or would have waited longer than the workload's timeout.\n");
        sb.Append("- **p95 latency**: over served requests (queueing included).\n");
        sb.Append("- **replica-hours**: pods that existed, integrated over time (what the workload cost).\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"Timeline of the `{main.PolicyLabel}` run: `timeline.csv`, `timeline.svg`.\n");
        return sb.ToString();
    }

    /// <summary>The comparison table alone (the README quotes it).</summary>
    public static string Table(IReadOnlyList<RunSummary> byPolicy)
    {
        var sb = new StringBuilder();
        sb.Append("| | ").AppendJoin(" | ", byPolicy.Select(p => $"`{p.Policy}`")).Append(" |\n");
        sb.Append("|---|").AppendJoin("", byPolicy.Select(_ => "---:|")).Append('\n');
        Row(sb, "peak temperature", byPolicy, p => $"{p.PeakCelsius.ToString("0.0", CultureInfo.InvariantCulture)} °C");
        Row(sb, "throttled (node-s)", byPolicy, p => p.SecondsThrottled.ToString("0", CultureInfo.InvariantCulture));
        Row(sb, "above hot limit (node-s)", byPolicy, p => p.SecondsAboveHot.ToString("0", CultureInfo.InvariantCulture));
        Row(sb, "requests dropped", byPolicy, p => $"{p.RequestsDropped.ToString("0", CultureInfo.InvariantCulture)} ({Pct(p.RequestsDropped, p.RequestsTotal)})");
        Row(sb, "p95 latency", byPolicy, p => $"{p.P95LatencyMs.ToString("0", CultureInfo.InvariantCulture)} ms");
        Row(sb, "replica-hours", byPolicy, p => p.ReplicaHours.ToString("0.0", CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    private static void Row(StringBuilder sb, string name, IReadOnlyList<RunSummary> items, Func<RunSummary, string> cell) =>
        sb.Append("| ").Append(name).Append(" | ").AppendJoin(" | ", items.Select(cell)).Append(" |\n");

    private static string Pct(double part, double total) =>
        total <= 0 ? "0 %" : (part / total * 100).ToString(part / total < 0.01 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " %";
}
