// Captures explain bundles the way docs/explain.md tells users to, from a real `edgescaler run` (the rpi-4b fixture
// tree, pod CPU counters advanced by the rig) and the Kubernetes API stand-in, with the real kubectl; then runs the real
// `edgescaler explain` on each and checks it reaches the answer the running controller wrote into the HPA's status.
//
//   dotnet run --project tests/EdgeScaler.ExplainCapture -- [--out DIR] [SCENARIO ...]
//
// Writes DIR/captured-SCENARIO.json (default DIR: tests/explain). Exit 0 when every explain agreed with its controller,
// 1 when one did not, 2 for bad usage. The reviewed *.expected.* outputs are NOT written here: review them by hand.
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeScaler.ExplainCapture;
using EdgeScaler.Host.Tests;
using EdgeScaler.TestKit;

var outDir = RepoPaths.Of("tests/explain");
var chosen = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--out" && i + 1 < args.Length) outDir = Path.GetFullPath(args[++i]);
    else if (Scenarios.All.ContainsKey(args[i])) chosen.Add(args[i]);
    else
    {
        Console.Error.WriteLine($"usage: EdgeScaler.ExplainCapture [--out DIR] [{string.Join('|', Scenarios.All.Keys)} ...]  (unknown: {args[i]})");
        return 2;
    }
}
if (chosen.Count == 0) chosen.AddRange(Scenarios.All.Keys);
Directory.CreateDirectory(outDir);

var json = new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
var disagreements = 0;
foreach (var name in chosen)
{
    Console.WriteLine($"== {name}: {Scenarios.Descriptions[name]}");
    var (bundle, controllerDesired) = await Scenarios.All[name]();
    var file = Path.Combine(outDir, $"captured-{name}.json");
    File.WriteAllText(file, bundle.ToJsonString(json) + "\n");

    var explained = JsonNode.Parse(await ExplainAsync(file, "--json"))!;
    var desired = explained["desiredReplicas"]!.GetValue<int>();
    Console.Write(await ExplainAsync(file));
    var verdict = desired == controllerDesired ? "agrees with" : "DISAGREES with";
    Console.WriteLine($"-> {file}: explain says {desired}, {verdict} the controller's status.desiredReplicas {controllerDesired}\n");
    if (desired != controllerDesired) disagreements++;
}
return disagreements == 0 ? 0 : 1;

static async Task<string> ExplainAsync(string file, params string[] extra)
{
    using var p = new EdgescalerProcess(["explain", "--input", file, .. extra]);
    var code = await Task.Run(() => p.WaitForExit(TimeSpan.FromSeconds(60)));
    if (code != 0) throw new InvalidOperationException($"edgescaler explain {file} exited {code?.ToString() ?? "(hung)"}:\n{p.Output}");
    return p.Output;
}
