namespace EdgeScaler.Simulation.Output;

using EdgeScaler.Simulation.Engine;
using EdgeScaler.Simulation.Scenarios;

/// <summary>One finished run: the scenario as run (policy applied), node and workload names, and every tick.</summary>
public sealed record RunResult(Scenario Scenario, string PolicyLabel, IReadOnlyList<string> NodeNames, IReadOnlyList<string> WorkloadNames, IReadOnlyList<TickRecord> Ticks)
{
    public RunSummary Summarize() => RunSummary.From(this);
}

/// <summary>The numbers summary.md compares between policies.</summary>
public sealed record RunSummary(
    string Policy,
    double PeakCelsius,
    string PeakNode,
    double SecondsThrottled,
    double SecondsAboveHot,
    double RequestsTotal,
    double RequestsDropped,
    double P95LatencyMs,
    double ReplicaHours)
{
    public static RunSummary From(RunResult run)
    {
        double peak = double.MinValue, throttled = 0, aboveHot = 0, total = 0, dropped = 0, replicaSeconds = 0;
        var peakNode = "";
        var latencies = new List<(double LatencyMs, double Count)>();
        var dt = run.Scenario.Tick.TotalSeconds;
        foreach (var t in run.Ticks)
        {
            for (var i = 0; i < t.Nodes.Length; i++)
            {
                var n = t.Nodes[i];
                if (n.Celsius > peak) { peak = n.Celsius; peakNode = run.NodeNames[i]; }
                if (n.Throttled) throttled += dt;
                if (n.Celsius >= n.HotLimitCelsius) aboveHot += dt;
            }
            foreach (var w in t.Workloads)
            {
                total += w.Demand * dt;
                dropped += w.Dropped;
                replicaSeconds += w.Replicas * dt;
                if (w.Served > 0) latencies.Add((w.LatencyMs, w.Served * dt));
            }
        }
        return new RunSummary(run.PolicyLabel, peak, peakNode, throttled, aboveHot, total, dropped, Percentile(latencies, 0.95), replicaSeconds / 3600);
    }

    /// <summary>The latency below which <paramref name="q"/> of served requests fall (each tick weighs by requests served).</summary>
    public static double Percentile(List<(double LatencyMs, double Count)> samples, double q)
    {
        if (samples.Count == 0) return 0;
        samples.Sort((a, b) => a.LatencyMs.CompareTo(b.LatencyMs));
        double sum = 0;
        foreach (var s in samples) sum += s.Count;
        double acc = 0;
        foreach (var s in samples)
        {
            acc += s.Count;
            if (acc >= q * sum) return s.LatencyMs;
        }
        return samples[^1].LatencyMs;
    }
}
