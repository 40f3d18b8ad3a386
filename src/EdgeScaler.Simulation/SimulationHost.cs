namespace EdgeScaler.Simulation;

using EdgeScaler.Core.Overrides;
using EdgeScaler.Simulation.Engine;
using EdgeScaler.Simulation.Model;
using EdgeScaler.Simulation.Output;
using EdgeScaler.Simulation.Scenarios;
using EdgeScaler.Simulation.Services;
using Microsoft.Extensions.Logging;

/// <summary>
/// `edgescaler simulate` end to end: load the scenario, start the real metrics API, MQTT telemetry and virtual panel
/// on the simulated cluster, run it with a live view, write timeline.csv/.svg, run the same scenario and seed under
/// ignore, hold and shed for summary.md, and (with --hold-open) keep serving until interrupted.
/// </summary>
public sealed class SimulationHost(SimulationOptions options, SimulationParts parts, TextWriter output, TextWriter error, bool interactive)
{
    /// <summary>Key presses for the virtual panel during the main run (the terminal, when stdin is one).</summary>
    public ISimulationKeys? Keys { get; init; }

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
        var overrides = new SimulatedOverrides(scenario);
        sim.Overrides = overrides;
        var view = new LiveView(output, error, interactive, $"edgescaler simulate · {scenario.Name} · {label}", scenario.Duration);
        overrides.Submitted += (request, result) => view.Log(LogLevel.Information, DescribeOverride(request, result));

        await using var services = await SimulationServices.StartAsync(options, sim, overrides, view.Log, error, cancel);
        if (services is null) return 2;

        output.WriteLine($"Simulating '{scenario.Name}': {scenario.Nodes.Count} nodes, {scenario.Workloads.Count} workload(s), {SimDuration.Format(scenario.Duration)} of simulated time at {(options.Speed is { } s ? $"{s:0.##}× speed" : "full speed")}, thermal policy {label}, seed {scenario.Seed}.");
        foreach (var line in services.Describe()) output.WriteLine("  " + line);

        if (services.Panel is { } panel)
        {
            view.Panel = panel.Render;
            // VirtualPanelConsole's keys minus `!` (acknowledge): the simulation raises no alarms, so it is always refused.
            if (Keys is not null) view.KeyHelp = "panel keys: u/+ up  d/- down  a auto  A hold-auto  s select";
        }
        sim.AddObserver(view);

        RunResult main;
        using (var keysStop = CancellationTokenSource.CreateLinkedTokenSource(cancel))
        {
            var keyLoop = Keys is not null && services.Panel is not null ? PressKeysAsync(Keys, services.Panel, keysStop.Token) : Task.CompletedTask;
            main = await SimulationRun.RunAsync(sim, label, options.Speed, cancel);
            await keysStop.CancelAsync();
            try { await keyLoop; } catch (OperationCanceledException) { }
        }
        overrides.Close("the simulation has finished; an override would change nothing");
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
                // The main run is reused only when nobody pinned anything in it; the comparison must be the HPA's own.
                summaries.Add(name == label && overrides.Accepted == 0 ? main.Summarize() : SimulationRun.Run(scenario.WithPolicy(p), parts, name).Summarize());
            }
        }
        OutputFiles.WriteSummary(main, summaries, outDir);

        output.WriteLine();
        output.Write(SummaryWriter.Table(summaries));
        output.WriteLine();
        output.WriteLine($"Picture:  {Path.Combine(outDir, OutputFiles.TimelineSvg)}  (open it in a browser)");
        output.WriteLine($"Timeline: {Path.Combine(outDir, OutputFiles.TimelineCsv)}");
        output.WriteLine($"Summary:  {Path.Combine(outDir, OutputFiles.Summary)}");
        if (services.Telemetry is { } mqtt)
            output.WriteLine($"MQTT:     {mqtt.StatesPublished} state and {mqtt.EventsPublished} event messages published to {mqtt.BrokerUri} under {mqtt.Prefix}/");

        if (options.HoldOpen)
        {
            output.WriteLine(services.Telemetry is null
                ? "Holding the metrics API open; press Ctrl+C to stop."
                : "Holding the metrics API and MQTT telemetry open (the last state stays retained); press Ctrl+C to stop.");
            try { await Task.Delay(Timeout.Infinite, cancel); } catch (OperationCanceledException) { }
        }
        return 0;
    }

    private static async Task PressKeysAsync(ISimulationKeys keys, SimulationPanel panel, CancellationToken cancel)
    {
        while (await keys.NextAsync(cancel) is { } key)
            await panel.PressAsync(key, cancel);
    }

    private static string DescribeOverride(OverrideRequest request, OverrideResult result)
    {
        var what = request.Release ? "release" : $"pin at {request.Replicas}";
        var source = ActiveOverride.SourceToWire(request.Source);
        return result.Accepted
            ? $"override from {source}: {request.Hpa} {what} — {result.Reason} (at the next HPA sync)"
            : $"override from {source}: {request.Hpa} {what} refused — {result.Reason}";
    }
}
