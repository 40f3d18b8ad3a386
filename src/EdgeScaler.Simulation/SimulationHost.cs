namespace EdgeScaler.Simulation;

using EdgeScaler.Simulation.Engine;
using EdgeScaler.Simulation.Model;
using EdgeScaler.Simulation.Output;
using EdgeScaler.Simulation.Scenarios;

/// <summary>
/// `edgescaler simulate` end to end: load the scenario, start the real metrics API, MQTT telemetry and virtual panel
/// on the simulated cluster, run it with a live view, write timeline.csv/.svg, run the same scenario and seed under
/// ignore, hold and shed for summary.md, and (with --hold-open) keep serving until interrupted.
/// </summary>
public sealed class SimulationHost(SimulationOptions options, SimulationParts parts, TextWriter output, TextWriter error, bool interactive)
{
    /// <summary>0 done, 1 interrupted or a service failed, 2 bad scenario or options.</summary>
    public async Task<int> RunAsync(CancellationToken cancel)
    {
        Scenario scenario;
        try
        {
            scenario = options.Scenario is null ? ScenarioLibrary.Default : ScenarioLibrary.Load(options.Scenario);
        }
        catch (ScenarioException e) { error.WriteLine(e.Message); return 2; }
        catch (FileNotFoundException e) { error.WriteLine($"edgescaler simulate: {e.Message}"); return 2; }
        catch (IOException e) { error.WriteLine($"edgescaler simulate: cannot read scenario: {e.Message}"); return 2; }

        if (options.Duration is { } d) scenario = scenario with { Duration = d };
        if (options.Seed is { } seed) scenario = scenario with { Seed = seed };
        if (options.Policy is { } policy) scenario = scenario.WithPolicy(policy);
        var label = SimulationRun.PolicyLabel(scenario);

        var sim = new Simulator(scenario, parts.Scaler(scenario), parts.Classifier(scenario));
        await using var services = await SimulationServices.StartAsync(options, sim, output, error, cancel);
        if (services is null) return 2;

        output.WriteLine($"Simulating '{scenario.Name}': {scenario.Nodes.Count} nodes, {scenario.Workloads.Count} workload(s), {SimDuration.Format(scenario.Duration)} of simulated time at {(options.Speed is { } s ? $"{s:0.##}× speed" : "full speed")}, thermal policy {label}, seed {scenario.Seed}.");
        foreach (var line in services.Describe()) output.WriteLine("  " + line);

        var view = new LiveView(output, interactive, $"edgescaler simulate · {scenario.Name} · {label}", scenario.Duration, services.PanelText);
        sim.AddObserver(view);
        var main = await SimulationRun.RunAsync(sim, label, options.Speed, cancel);
        var interrupted = !sim.Finished;

        var outDir = Path.GetFullPath(options.OutDir);
        OutputFiles.WriteTimeline(main, outDir);
        if (interrupted)
        {
            OutputFiles.WriteSummary(main, [main.Summarize()], outDir);
            output.WriteLine($"Interrupted after {SimDuration.Format(sim.Elapsed)}; partial results in {outDir}/");
            return 1;
        }

        var summaries = new List<RunSummary>();
        if (options.NoCompare) summaries.Add(main.Summarize());
        else
        {
            output.WriteLine("Comparing policies on the same scenario and seed: ignore (plain HPA), hold, shed …");
            foreach (var p in new[] { ThermalPolicyName.Ignore, ThermalPolicyName.Hold, ThermalPolicyName.Shed })
            {
                var name = p.ToString().ToLowerInvariant();
                summaries.Add(name == label ? main.Summarize() : SimulationRun.Run(scenario.WithPolicy(p), parts, name).Summarize());
            }
        }
        OutputFiles.WriteSummary(main, summaries, outDir);

        output.WriteLine();
        output.Write(SummaryWriter.Table(summaries));
        output.WriteLine();
        output.WriteLine($"Picture:  {Path.Combine(outDir, OutputFiles.TimelineSvg)}  (open it in a browser)");
        output.WriteLine($"Timeline: {Path.Combine(outDir, OutputFiles.TimelineCsv)}");
        output.WriteLine($"Summary:  {Path.Combine(outDir, OutputFiles.Summary)}");

        if (options.HoldOpen)
        {
            output.WriteLine("Holding the metrics API and MQTT broker open; press Ctrl+C to stop.");
            try { await Task.Delay(Timeout.Infinite, cancel); } catch (OperationCanceledException) { }
        }
        return 0;
    }
}
