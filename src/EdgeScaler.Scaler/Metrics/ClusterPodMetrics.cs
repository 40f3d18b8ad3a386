namespace EdgeScaler.Scaler.Metrics;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Units;

/// <summary>
/// The in-process cluster view (<see cref="IClusterMetrics"/>) indexed once per reconcile pass, so each HPA's
/// PodMetrics are a dictionary lookup per pod, not an HTTP round trip to our own metrics API.
/// </summary>
public sealed class ClusterPodMetrics
{
    private readonly Dictionary<(string Ns, string Name), PodUsage> _byPod;

    public ClusterPodMetrics(IClusterMetrics metrics)
    {
        HasRates = metrics.HasRates;
        var pods = metrics.Pods();
        _byPod = new Dictionary<(string, string), PodUsage>(pods.Count);
        foreach (var p in pods) _byPod[(p.Pod.Namespace, p.Pod.Name)] = p;
    }

    public bool HasRates { get; }

    /// <summary>PodMetrics items for the given pods (those the view has samples for), as metrics.k8s.io would list them.</summary>
    public List<PodUsageSample> For(string ns, IReadOnlyList<PodInfo> pods)
    {
        var result = new List<PodUsageSample>(pods.Count);
        foreach (var pod in pods)
        {
            if (!_byPod.TryGetValue((ns, pod.Name), out var usage)) continue;
            var containers = new ContainerUsageSample[usage.Containers.Count];
            for (var i = 0; i < containers.Length; i++)
            {
                var c = usage.Containers[i];
                containers[i] = new ContainerUsageSample(c.Name, Quantity.CpuFromNanoCores(c.Usage.CpuNanoCores), Quantity.MemoryFromBytes(c.Usage.MemoryWorkingSetBytes));
            }
            result.Add(new PodUsageSample(pod.Name, usage.Timestamp, usage.Window, containers));
        }
        return result;
    }
}
