using System.Diagnostics;
using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Core.Units;

// A reconcile pass of the pure pipeline (upstream HPA algorithm + thermal policy + overrides) over
// 500 HPAs x 20 pods, inputs prepared once as the Scaler's cluster view would hand them over.
const int Hpas = 500, PodsPerHpa = 20, Passes = 40;
var hpaCount = args.Length > 0 ? int.Parse(args[0]) : Hpas;
var now = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
var rng = new Random(1);
var nodes = Enumerable.Range(0, 8).ToDictionary(i => $"pi-{i}", i => i == 3 ? ThermalState.Hot : ThermalState.Cool);
var inputs = new HpaInput[hpaCount];
for (var h = 0; h < hpaCount; h++)
{
    var pods = new List<PodInfo>(PodsPerHpa);
    var samples = new List<PodUsageSample>(PodsPerHpa);
    for (var p = 0; p < PodsPerHpa; p++)
    {
        var name = $"app{h}-{p}";
        pods.Add(new PodInfo(name, PodPhase.Running, now.AddHours(-1), new PodReadyCondition(ConditionStatus.True, now.AddHours(-1).AddSeconds(10)),
            [new ContainerRequests("app", new Dictionary<string, Quantity> { ["cpu"] = Quantity.Parse("250m"), ["memory"] = Quantity.Parse("128Mi") })], $"pi-{(h + p) % 8}"));
        samples.Add(new PodUsageSample(name, now, TimeSpan.FromSeconds(15),
            [new ContainerUsageSample("app", Quantity.CpuFromNanoCores(rng.Next(50, 400) * 1_000_000L), Quantity.MemoryFromBytes(rng.Next(40, 120) << 20))]));
    }
    var behavior = h % 2 == 0 ? null : new HpaBehavior(null, null);
    var spec = new HpaSpec(new ScaleTargetRef("Deployment", $"app{h}", "apps/v1"), 2, 40,
        [MetricSpec.ResourceUtilization("cpu", 60), MetricSpec.ResourceAverageValue("memory", Quantity.Parse("100Mi"))], behavior);
    var history = new HpaHistory([new(PodsPerHpa, now.AddMinutes(-2)), new(PodsPerHpa - 1, now.AddMinutes(-1))], [], []);
    inputs[h] = new HpaInput(new HpaObject(new HpaRef("bench", $"app{h}"), HpaObject.NoAnnotations, spec),
        new ScaleInfo(PodsPerHpa, PodsPerHpa, $"app=app{h}"), pods, new HpaMetricsSnapshot { PodMetrics = samples }, history, now);
}

var sink = 0;
void Pass() { foreach (var input in inputs) sink += ScalingPipeline.Decide(input, nodes, null).DesiredReplicas; }

for (var i = 0; i < 5; i++) Pass(); // warm-up (tiered JIT)
var times = new List<double>();
var bytes = new List<long>();
for (var i = 0; i < Passes; i++)
{
    var before = GC.GetAllocatedBytesForCurrentThread();
    var sw = Stopwatch.StartNew();
    Pass();
    sw.Stop();
    bytes.Add(GC.GetAllocatedBytesForCurrentThread() - before);
    times.Add(sw.Elapsed.TotalMilliseconds);
}
times.Sort();
Console.WriteLine($"{hpaCount} HPAs x {PodsPerHpa} pods, 2 metrics each, {Passes} passes after warm-up");
Console.WriteLine($"time per pass: median {times[Passes / 2]:F2} ms, min {times[0]:F2} ms, p90 {times[(int)(Passes * 0.9)]:F2} ms");
Console.WriteLine($"allocated per pass: {bytes.Average() / 1024 / 1024:F2} MiB ({bytes.Average() / hpaCount / 1024:F1} KiB per HPA)");
Console.WriteLine($"checksum {sink}");
