namespace EdgeScaler.Simulation.Engine;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Units;
using EdgeScaler.Simulation.Scenarios;
using HpaPodPhase = EdgeScaler.Core.Hpa.PodPhase;

/// <summary>
/// Presents a simulated workload to the real HPA algorithm the way the Kubernetes adapters present a real one: an
/// autoscaling/v2 HPA object (with the thermal-policy annotation), the Deployment's Scale, its pods with phase,
/// start time, Ready condition and requests, and pod metrics read through <see cref="IClusterMetrics"/> — the same
/// view the metrics API serves.
/// </summary>
public static class HpaInputBuilder
{
    public const string ThermalPolicyAnnotation = "edgescaler.io/thermal-policy";

    public static HpaObject Hpa(SimWorkload w)
    {
        var spec = w.Spec.Hpa;
        var annotations = new Dictionary<string, string> { [ThermalPolicyAnnotation] = spec.Policy.ToString().ToLowerInvariant() };
        return new HpaObject(w.Hpa, annotations, new Core.Hpa.HpaSpec(
            new ScaleTargetRef("Deployment", w.Spec.Name, "apps/v1"),
            spec.MinReplicas,
            spec.MaxReplicas,
            [MetricSpec.ResourceUtilization("cpu", spec.TargetCpuUtilization)],
            Behavior(spec.Behavior)));
    }

    public static ScaleInfo Scale(SimWorkload w) => new(w.SpecReplicas, w.Pods.Count, $"app={w.Spec.Name}");

    public static IReadOnlyList<PodInfo> Pods(SimWorkload w)
    {
        var requests = new Dictionary<string, Quantity>
        {
            ["cpu"] = Quantity.FromMilli(w.Spec.Pod.CpuRequestMilli),
            ["memory"] = Quantity.MemoryFromBytes(w.Spec.Pod.MemoryRequestBytes),
        };
        var containers = new[] { new ContainerRequests("app", requests) };
        var pods = new List<PodInfo>(w.Pods.Count);
        foreach (var p in w.Pods)
        {
            // status.startTime is set when the kubelet takes the pod (scheduled); Ready flips when the probe passes.
            var phase = p.HasContainer ? HpaPodPhase.Running : HpaPodPhase.Pending;
            PodReadyCondition? ready = p.ScheduledAt is null ? null
                : p.IsReady ? new PodReadyCondition(ConditionStatus.True, p.ReadyAt!.Value)
                : new PodReadyCondition(ConditionStatus.False, p.ScheduledAt.Value);
            pods.Add(new PodInfo(p.Name, phase, p.ScheduledAt, ready, containers, p.Node?.Name));
        }
        return pods;
    }

    /// <summary>PodMetrics for this workload's pods, as metrics.k8s.io would list them for its selector.</summary>
    public static HpaMetricsSnapshot Metrics(SimWorkload w, IClusterMetrics metrics)
    {
        var samples = new List<PodUsageSample>();
        foreach (var p in metrics.Pods())
        {
            if (p.Pod.Namespace != w.Spec.Namespace || !p.Pod.Labels.TryGetValue("app", out var app) || app != w.Spec.Name) continue;
            samples.Add(new PodUsageSample(p.Pod.Name, p.Timestamp, p.Window,
                [.. p.Containers.Select(c => new ContainerUsageSample(c.Name, Quantity.CpuFromNanoCores(c.Usage.CpuNanoCores), Quantity.MemoryFromBytes(c.Usage.MemoryWorkingSetBytes)))]));
        }
        return new HpaMetricsSnapshot { PodMetrics = samples };
    }

    private static HpaBehavior? Behavior(BehaviorSpec? b) => b is null ? null : new HpaBehavior(Rules(b.ScaleUp), Rules(b.ScaleDown));

    private static ScalingRules? Rules(ScalingRulesSpec? r) => r is null ? null : new ScalingRules(
        r.StabilizationWindowSeconds,
        r.SelectPolicy switch { "Max" => SelectPolicy.Max, "Min" => SelectPolicy.Min, "Disabled" => SelectPolicy.Disabled, _ => null },
        r.Policies?.Select(p => new ScalingPolicy(p.Type == "Pods" ? ScalingPolicyType.Pods : ScalingPolicyType.Percent, p.Value, p.PeriodSeconds)).ToList());
}
