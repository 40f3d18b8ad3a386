// Benchmark: how fast the simulation runs at --speed max with the real Scaler and classifier plugged in.
// 1. The default scenario (4 × Pi 4, 2 h): simulated seconds per wall second, outputs written like `simulate` does.
// 2. The same scenario scaled to 4, 16 and 64 nodes (replicas and demand scaled along), to show how cost grows.
// 3. `simulate --speed max --no-compare` end to end (metrics API, virtual panel, outputs) with MQTT telemetry on the
//    embedded broker and with --no-mqtt: wall time and messages published.
// Numbers go to stdout as a Markdown table; run in Release on an idle machine for meaningful numbers.
using System.Diagnostics;
using System.Globalization;
using EdgeScaler.Simulation;
using EdgeScaler.Simulation.Engine;
using EdgeScaler.Simulation.Output;
using EdgeScaler.Simulation.Scenarios;

var repeat = args.Length >= 2 && args[0] == "--repeat" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var parts = RealParts.Create();
var scenario = ScenarioLibrary.Default;
var outDir = Path.Combine(Path.GetTempPath(), $"edgescaler-bench-{Environment.ProcessId}");

// Warm up the JIT so the first measurement is not mostly compilation.
SimulationRun.Run(scenario with { Duration = TimeSpan.FromMinutes(10) }, parts, "warmup");

Console.WriteLine($"Default scenario '{scenario.Name}' ({scenario.Nodes.Count} nodes, {scenario.Duration.TotalHours:0.#} h simulated), best of {repeat}:");
Console.WriteLine();
Console.WriteLine("| run | wall (s) | simulated s / wall s |");
Console.WriteLine("|---|---:|---:|");
Measure("main run only (hold)", () => SimulationRun.Run(scenario, parts, "hold"));
Measure("main run + CSV/SVG written", () =>
{
    var r = SimulationRun.Run(scenario, parts, "hold");
    OutputFiles.WriteTimeline(r, outDir);
    return r;
});
var whole = Stopwatch.StartNew();
var runs = new[] { ThermalPolicyName.Ignore, ThermalPolicyName.Hold, ThermalPolicyName.Shed }
    .Select(p => SimulationRun.Run(scenario.WithPolicy(p), parts, p.ToString().ToLowerInvariant())).ToList();
OutputFiles.WriteTimeline(runs[1], outDir);
OutputFiles.WriteSummary(runs[1], [.. runs.Select(r => r.Summarize())], outDir);
whole.Stop();
Console.WriteLine($"| whole `simulate --speed max` workload (3 policies + outputs) | {whole.Elapsed.TotalSeconds:0.00} | {3 * scenario.Duration.TotalSeconds / whole.Elapsed.TotalSeconds:0} |");
Console.WriteLine();

Console.WriteLine("Scaling with cluster size (hold, 2 h simulated, replicas/demand scaled with nodes):");
Console.WriteLine();
Console.WriteLine("| nodes | pods at peak | wall (s) | simulated s / wall s | µs per tick |");
Console.WriteLine("|---:|---:|---:|---:|---:|");
foreach (var nodes in new[] { 4, 16, 64 })
{
    var factor = nodes / 4.0;
    var scaled = scenario with
    {
        Nodes = [.. Enumerable.Range(1, nodes).Select(i => scenario.Nodes[0] with { Name = $"pi4-{i}" })],
        Workloads = [.. scenario.Workloads.Select(w => w with
        {
            Demand = Scale(w.Demand, factor),
            InitialReplicas = (int)(w.InitialReplicas * factor),
            Hpa = w.Hpa with { MinReplicas = (int)(w.Hpa.MinReplicas * factor), MaxReplicas = (int)(w.Hpa.MaxReplicas * factor) },
        })],
    };
    RunResult? last = null;
    var best = double.MaxValue;
    for (var i = 0; i < repeat; i++)
    {
        var sw = Stopwatch.StartNew();
        last = SimulationRun.Run(scaled, parts, "hold");
        best = Math.Min(best, sw.Elapsed.TotalSeconds);
    }
    var peakPods = last!.Ticks.Max(t => t.Workloads.Sum(w => w.Replicas));
    Console.WriteLine($"| {nodes} | {peakPods} | {best:0.00} | {scaled.Duration.TotalSeconds / best:0} | {best / last.Ticks.Count * 1e6:0} |");
}
Console.WriteLine();
Console.WriteLine($"`simulate --speed max --no-compare` end to end (metrics API, panel, outputs; default scenario), best of {repeat}:");
Console.WriteLine();
Console.WriteLine("| MQTT | wall (s) | simulated s / wall s | published |");
Console.WriteLine("|---|---:|---:|---|");
foreach (var noMqtt in new[] { false, true })
{
    var best = double.MaxValue;
    var published = "";
    for (var i = 0; i < repeat; i++)
    {
        var output = new StringWriter();
        var options = new SimulationOptions { NoCompare = true, NoMqtt = noMqtt, OutDir = outDir };
        var sw = Stopwatch.StartNew();
        var code = await new SimulationHost(options, parts, output, TextWriter.Null, interactive: false).RunAsync(CancellationToken.None);
        var wall = sw.Elapsed.TotalSeconds;
        if (code != 0) throw new InvalidOperationException($"simulate exited {code}:\n{output}");
        if (wall < best) { best = wall; published = output.ToString().Split('\n').FirstOrDefault(l => l.StartsWith("MQTT:  ", StringComparison.Ordinal))?[6..].Trim() ?? "-"; }
    }
    Console.WriteLine($"| {(noMqtt ? "off (--no-mqtt)" : "embedded broker")} | {best:0.00} | {scenario.Duration.TotalSeconds / best:0} | {published} |");
}
try { Directory.Delete(outDir, recursive: true); } catch (IOException) { }
return 0;

void Measure(string name, Func<RunResult> run)
{
    var best = double.MaxValue;
    for (var i = 0; i < repeat; i++)
    {
        var sw = Stopwatch.StartNew();
        run();
        best = Math.Min(best, sw.Elapsed.TotalSeconds);
    }
    Console.WriteLine($"| {name} | {best:0.00} | {scenario.Duration.TotalSeconds / best:0} |");
}

static EdgeScaler.Simulation.Model.Curve Scale(EdgeScaler.Simulation.Model.Curve c, double f) => c switch
{
    EdgeScaler.Simulation.Model.SpikeCurve s => s with { Base = s.Base * f, Peak = s.Peak * f },
    EdgeScaler.Simulation.Model.ConstantCurve k => k with { Value = k.Value * f },
    _ => new EdgeScaler.Simulation.Model.SumCurve(Enumerable.Repeat(c, (int)f).ToList()),
};
