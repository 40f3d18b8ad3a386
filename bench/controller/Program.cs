// One controller reconcile pass over N HPAs x M pods, from in-memory caches and the in-process cluster view:
// selector matching, pod mapping, metrics from the cluster view, upstream's algorithm, EdgeScaler's policy and the
// status mapping — everything the controller does per pass except the HTTP calls (GET /scale, status PUT).
// Usage: dotnet run -c Release --project bench/controller [-- HPAS PODS NAMESPACES PASSES] [--fresh-samples] [--stages] [--alloc-types]
//   --fresh-samples  every pod gets a new sample object before each pass (worst case: every node sampled since the last pass)
//   --stages         bytes and wall time per stage of the pass
//   --alloc-types    the runtime's allocation sampling by type (approximate)
using System.Diagnostics;
using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Kubernetes.Events;
using EdgeScaler.Kubernetes.Leader;
using EdgeScaler.Kubernetes.Rest;
using EdgeScaler.Scaler;
using EdgeScaler.Kubernetes.Mapping;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

var stages = args.Contains("--stages");
var allocTypes = args.Contains("--alloc-types");
var freshSamples = args.Contains("--fresh-samples"); // every pod has a new sample object each pass (the view's worst case)
args = [.. args.Where(a => !a.StartsWith("--", StringComparison.Ordinal))];
var hpaCount = args.Length > 0 ? int.Parse(args[0]) : 500;
var podsPer = args.Length > 1 ? int.Parse(args[1]) : 20;
var namespaces = args.Length > 2 ? int.Parse(args[2]) : 1;
var passes = args.Length > 3 ? int.Parse(args[3]) : 50;

var now = DateTimeOffset.Parse("2026-01-01T00:10:00Z");
var hpas = new List<V2HorizontalPodAutoscaler>();
var pods = new List<V1Pod>();
var usage = new List<PodUsage>();
var nodes = new Dictionary<string, ThermalState>();
for (var n = 0; n < 8; n++) nodes[$"node-{n}"] = n == 3 ? ThermalState.Hot : ThermalState.Cool;
for (var i = 0; i < hpaCount; i++)
{
    var ns = $"ns-{i % namespaces}";
    var app = $"app-{i}";
    hpas.Add(new V2HorizontalPodAutoscaler
    {
        Metadata = new V1ObjectMeta { Name = app, NamespaceProperty = ns, Uid = $"hpa-{i}", ResourceVersion = "1" },
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = app },
            MinReplicas = 1,
            MaxReplicas = 40,
            Metrics = [new V2MetricSpec { Type = "Resource", Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 60 } } }],
        },
    });
    for (var p = 0; p < podsPer; p++)
    {
        var name = $"{app}-{p}";
        var node = $"node-{(i + p) % 8}";
        pods.Add(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = name, ResourceVersion = "1", Labels = new Dictionary<string, string> { ["app"] = app, ["pod-template-hash"] = "5d8f7c" } },
            Spec = new V1PodSpec
            {
                NodeName = node,
                Containers = [new V1Container { Name = "app", Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("64Mi") } } }],
            },
            Status = new V1PodStatus
            {
                Phase = "Running",
                StartTime = now.AddMinutes(-30).UtcDateTime,
                Conditions = [new V1PodCondition { Type = "Ready", Status = "True", LastTransitionTime = now.AddMinutes(-29).UtcDateTime }],
            },
        });
        usage.Add(new PodUsage(new PodRef(ns, name, name), node, now.AddSeconds(-5), TimeSpan.FromSeconds(15),
            [new ContainerUsage("app", new ResourceUsage((40 + (i * 7 + p * 13) % 60) * 1_000_000L, 50L << 20))]));
    }
}

var metrics = new StaticClusterMetrics(usage);
using var rest = new KubeRest(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });
var time = TimeProvider.System;
var elector = new LeaseElector(rest, "kube-system", "bench", "bench", LeaseTimings.Default, time, NullLogger.Instance);
var health = new ApiHealth(NullLogger<ApiHealth>.Instance, time);
var events = new EventRecorder(rest, EventRecorder.HpaComponent, "bench", time, NullLogger<EventRecorder>.Instance);
var controller = new HpaController(rest, new ScalerOptions(), [], metrics, new StaticThermal(nodes), elector, health, events, time, NullLoggerFactory.Instance);
var scale = new ScaleInfo(podsPer, podsPer, null);
// The Scale's selector string comes from the API (GET /scale) in the controller, so it is built outside the pass.
var selectors = hpas.Select(h => $"app={h.Metadata.Name},pod-template-hash=5d8f7c").ToArray();
var histories = new HpaHistory[hpaCount];
Array.Fill(histories, HpaHistory.Empty);

// Bytes allocated per stage (with --stages): where a pass's allocations go.
var stageBytes = new long[5];
var stageTicks = new long[5];
var stageClock = Stopwatch.StartNew();
string[] stageNames = ["pass context (pod index, usage index)", "HPA mapping (CoreOf)", "pods + metrics (PrepareInput)", "algorithm + policy (Decide)", "status mapping (ToStatus)"];
long Mark(int stage, long since)
{
    var nowBytes = GC.GetAllocatedBytesForCurrentThread();
    if (!stages) return nowBytes;
    stageBytes[stage] += nowBytes - since;
    stageTicks[stage] += stageClock.ElapsedTicks;
    stageClock.Restart();
    return GC.GetAllocatedBytesForCurrentThread();
}

var pass = new HpaController.PassContext(); // the controller keeps one and refills it every pass

int Pass(DateTimeOffset at)
{
    stageClock.Restart();
    var mark = GC.GetAllocatedBytesForCurrentThread();
    pass.Reset(metrics, pods);
    mark = Mark(0, mark);
    var rescales = 0;
    for (var i = 0; i < hpas.Count; i++)
    {
        var hpa = hpas[i];
        var core = controller.CoreOf(hpa);
        mark = Mark(1, mark);
        var key = core.Ref;
        var (input, infos) = controller.PrepareInput(key, core, scale with { Selector = selectors[i] }, pass, histories[i], at);
        mark = Mark(2, mark);
        var outcome = controller.Decide(core, input);
        histories[i] = outcome.HistoryAfter;
        mark = Mark(3, mark);
        _ = StatusMapper.ToStatus(outcome.Hpa, outcome.DesiredReplicas, outcome.IsRescale, hpa.Status, [], at.UtcDateTime);
        mark = Mark(4, mark);
        if (outcome.IsRescale) rescales++;
    }
    return rescales;
}

for (var w = 0; w < 5; w++) Pass(now.AddSeconds(15 * w));
Array.Clear(stageBytes);
Array.Clear(stageTicks);
using var typeSampler = allocTypes ? new AllocationSampler() : null;
GC.Collect();
var times = new List<double>();
var cpu = new List<double>();
var process = Process.GetCurrentProcess();
long allocated = 0;
var rescaled = 0;
for (var r = 0; r < passes; r++)
{
    var before = GC.GetAllocatedBytesForCurrentThread();
    if (freshSamples) metrics.Renew(); // the cluster view's work, not the controller's: outside the measurement
    process.Refresh();
    var cpuBefore = process.TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    rescaled = Pass(now.AddSeconds(15 * (r + 5)));
    sw.Stop();
    process.Refresh();
    cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
    allocated += GC.GetAllocatedBytesForCurrentThread() - before;
    times.Add(sw.Elapsed.TotalMilliseconds);
}
times.Sort();
cpu.Sort();
Console.WriteLine($"reconcile pass: {hpaCount} HPAs x {podsPer} pods in {namespaces} namespace(s), {passes} passes{(freshSamples ? ", a new sample for every pod each pass" : "")}");
Console.WriteLine($"  time per pass: median {times[times.Count / 2]:F1} ms, p95 {times[(int)(times.Count * 0.95)]:F1} ms, min {times[0]:F1} ms");
Console.WriteLine($"  CPU time per pass (this process, all threads; wall time above includes waiting for a shared CPU): median {cpu[cpu.Count / 2]:F1} ms, min {cpu[0]:F1} ms");
Console.WriteLine($"  load average while measuring: {File.ReadAllText("/proc/loadavg").Split(' ')[0]} on {Environment.ProcessorCount} CPUs");
Console.WriteLine($"  allocated per pass: {allocated / passes / 1024.0 / 1024.0:F2} MiB ({allocated / passes / hpaCount / 1024.0:F1} KiB per HPA)");
Console.WriteLine($"  HPAs wanting a rescale in the last pass: {rescaled}");
Console.WriteLine($"  gen0/1/2 collections: {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
if (stages)
    for (var s = 0; s < stageBytes.Length; s++)
        Console.WriteLine($"  stage {stageNames[s]}: {stageBytes[s] / passes / 1024.0:F0} KiB, {stageTicks[s] * 1000.0 / Stopwatch.Frequency / passes:F1} ms (wall) per pass");
typeSampler?.Print(passes);

sealed class StaticClusterMetrics(IReadOnlyList<PodUsage> pods) : IClusterMetrics
{
    public bool HasRates => true;
    public IReadOnlyList<NodeUsage> Nodes() => [];
    public IReadOnlyList<PodUsage> Pods() => pods;

    /// <summary>A new snapshot in which every pod has a new sample (same values), as after every node sampled.</summary>
    public void Renew() => pods = [.. pods.Select(p => p with { })];
}

sealed class StaticThermal(IReadOnlyDictionary<string, ThermalState> states) : IClusterThermal
{
    public IReadOnlyDictionary<string, ThermalState> NodeStates() => states;
}

/// <summary>
/// With --alloc-types: the runtime's allocation sampling (an event about every 100 KB allocated, naming the type that
/// crossed the threshold), so the top types approximate where the bytes go.
/// </summary>
sealed class AllocationSampler : System.Diagnostics.Tracing.EventListener
{
    private readonly Dictionary<string, long> _bytes = [];

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1); // GC keyword
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (e.EventName != "GCAllocationTick_V4" || e.Payload is null) return;
        var type = e.Payload[e.PayloadNames!.IndexOf("TypeName")] as string ?? "?";
        var amount = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")]);
        lock (_bytes) _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
    }

    public void Print(int passes)
    {
        lock (_bytes)
            foreach (var (type, bytes) in _bytes.OrderByDescending(kv => kv.Value).Take(25))
                Console.WriteLine($"  sampled {bytes / passes / 1024.0,8:F0} KiB/pass  {type}");
    }
}
