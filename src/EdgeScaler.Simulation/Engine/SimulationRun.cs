namespace EdgeScaler.Simulation.Engine;

using System.Diagnostics;
using EdgeScaler.Simulation.Output;
using EdgeScaler.Simulation.Scenarios;

/// <summary>Runs one scenario to the end, optionally paced to a speed, and collects the ticks.</summary>
public static class SimulationRun
{
    /// <summary>
    /// Steps <paramref name="sim"/> to its end. With a <paramref name="speed"/>, waits so that simulated time runs
    /// <paramref name="speed"/> times faster than the wall clock (the only use of the wall clock); without, runs flat out.
    /// Stops early (keeping what it has) when <paramref name="cancel"/> fires.
    /// </summary>
    public static async Task<RunResult> RunAsync(Simulator sim, string policyLabel, double? speed, CancellationToken cancel)
    {
        var ticks = new List<TickRecord>((int)(sim.Scenario.Duration / sim.Scenario.Tick) + 1);
        var wall = Stopwatch.StartNew();
        while (!sim.Finished && !cancel.IsCancellationRequested)
        {
            ticks.Add(sim.Step());
            if (speed is { } s)
            {
                var due = TimeSpan.FromSeconds(sim.Elapsed.TotalSeconds / s);
                var ahead = due - wall.Elapsed;
                if (ahead > TimeSpan.FromMilliseconds(15))
                {
                    try { await Task.Delay(ahead, cancel); } catch (OperationCanceledException) { break; }
                }
            }
            else if (ticks.Count % 2048 == 0) await Task.Yield();
        }
        return Result(sim, policyLabel, ticks);
    }

    /// <summary>Runs flat out, synchronously (comparison runs, tests, benchmarks).</summary>
    public static RunResult Run(Scenario scenario, SimulationParts parts, string policyLabel)
    {
        var sim = new Simulator(scenario, parts.Scaler(scenario), parts.Classifier(scenario));
        return Result(sim, policyLabel, sim.RunToEnd());
    }

    public static RunResult Result(Simulator sim, string policyLabel, List<TickRecord> ticks) =>
        new(sim.Scenario, policyLabel, [.. sim.Cluster.Nodes.Select(n => n.Name)], [.. sim.Cluster.Workloads.Select(w => w.Hpa.ToString())], ticks);

    /// <summary>"hold", "shed", "ignore", or "scenario" when the workloads' own annotations differ.</summary>
    public static string PolicyLabel(Scenario scenario)
    {
        var policies = scenario.Workloads.Select(w => w.Hpa.Policy).Distinct().ToList();
        return policies.Count == 1 ? policies[0].ToString().ToLowerInvariant() : "per-workload";
    }
}
