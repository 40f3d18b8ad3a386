namespace EdgeScaler.Scaler.Metrics;

using System.Runtime.InteropServices;
using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Units;

/// <summary>
/// The in-process cluster view (<see cref="IClusterMetrics"/>) indexed once per reconcile pass, so each HPA's
/// PodMetrics are a dictionary lookup per pod, not an HTTP round trip to our own metrics API.
/// The view hands out immutable snapshots, so the index is kept across passes: rebuilt only when the view's pod list
/// is a new one, and a pod's converted PodMetrics item is reused for as long as its sample is the same object.
/// </summary>
public sealed class ClusterPodMetrics
{
    private record struct Entry(PodUsage Usage, PodUsageSample? Sample, int Generation);

    private readonly Dictionary<(string Ns, string Name), Entry> _byPod = [];
    private IReadOnlyList<PodUsage>? _indexed;
    private int _generation;

    public ClusterPodMetrics()
    {
    }

    public ClusterPodMetrics(IClusterMetrics metrics) => Reset(metrics);

    public bool HasRates { get; private set; }

    /// <summary>Reads the view for a new pass (cheap when it has not changed since the last one).</summary>
    public void Reset(IClusterMetrics metrics)
    {
        HasRates = metrics.HasRates;
        var pods = metrics.Pods();
        if (ReferenceEquals(pods, _indexed)) return;
        _indexed = pods;
        var generation = ++_generation;
        for (var i = 0; i < pods.Count; i++)
        {
            var usage = pods[i];
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_byPod, (usage.Pod.Namespace, usage.Pod.Name), out _);
            entry = ReferenceEquals(entry.Usage, usage) ? entry with { Generation = generation } : new Entry(usage, null, generation);
        }
        foreach (var (key, entry) in _byPod)
            if (entry.Generation != generation) _byPod.Remove(key); // the pod has no sample any more
    }

    /// <summary>PodMetrics items for the given pods (those the view has samples for), as metrics.k8s.io would list them.</summary>
    public List<PodUsageSample> For(string ns, IReadOnlyList<PodInfo> pods)
    {
        var result = new List<PodUsageSample>(pods.Count);
        for (var p = 0; p < pods.Count; p++)
        {
            var pod = pods[p];
            ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_byPod, (ns, pod.Name));
            if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry)) continue;
            entry.Sample ??= ToSample(pod.Name, entry.Usage);
            result.Add(entry.Sample);
        }
        return result;
    }

    private static PodUsageSample ToSample(string podName, PodUsage usage)
    {
        var containers = new ContainerUsageSample[usage.Containers.Count];
        for (var i = 0; i < containers.Length; i++)
        {
            var c = usage.Containers[i];
            containers[i] = new ContainerUsageSample(c.Name, Quantity.CpuFromNanoCores(c.Usage.CpuNanoCores), Quantity.MemoryFromBytes(c.Usage.MemoryWorkingSetBytes));
        }
        return new PodUsageSample(podName, usage.Timestamp, usage.Window, containers);
    }
}
