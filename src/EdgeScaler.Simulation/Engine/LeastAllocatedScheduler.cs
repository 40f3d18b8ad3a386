namespace EdgeScaler.Simulation.Engine;

using EdgeScaler.Simulation.Model;

/// <summary>
/// Places a pod the way kube-scheduler's default profile scores nodes for it: filter to nodes where the pod's requests
/// fit in what is left of allocatable (NodeResourcesFit), score each by LeastAllocated —
/// ((allocatable − requested) × 100 / allocatable), averaged over CPU and memory — and pick the highest, breaking
/// ties at random (seeded). Temperature plays no part, exactly as in a real cluster.
/// Not modelled: the other default score plugins (BalancedAllocation, ImageLocality, default PodTopologySpread).
/// </summary>
public static class LeastAllocatedScheduler
{
    public static SimNode? Pick(SimPod pod, IReadOnlyList<SimNode> nodes, IReadOnlyList<SimPod> placedPods, DeterministicRandom random)
    {
        var spec = pod.Workload.Spec.Pod;
        SimNode? best = null;
        long bestScore = -1;
        var ties = 0;
        foreach (var node in nodes)
        {
            long cpu = 0, mem = 0;
            foreach (var p in placedPods)
            {
                if (p.Node != node) continue;
                cpu += p.Workload.Spec.Pod.CpuRequestMilli;
                mem += p.Workload.Spec.Pod.MemoryRequestBytes;
            }
            var allocCpu = node.AllocatableMilli;
            var allocMem = node.Board.MemoryBytes;
            cpu += spec.CpuRequestMilli;
            mem += spec.MemoryRequestBytes;
            if (cpu > allocCpu || mem > allocMem) continue;
            var score = ((allocCpu - cpu) * 100 / allocCpu + (allocMem - mem) * 100 / allocMem) / 2;
            if (score > bestScore) { best = node; bestScore = score; ties = 1; }
            else if (score == bestScore && random.Next(++ties) == 0) best = node;
        }
        return best;
    }
}
