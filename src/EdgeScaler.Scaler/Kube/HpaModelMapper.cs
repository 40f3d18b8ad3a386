namespace EdgeScaler.Scaler.Kube;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Units;
using k8s.Models;

/// <summary>
/// KubernetesClient autoscaling/v2 and core/v1 models → the pure algorithm's records, and its result → HPA status.
/// Unparseable quantities or unknown enum strings do not throw: they become an Unknown metric type (which the
/// algorithm reports as InvalidMetricSourceType) or a zero target, so one bad HPA never stops the pass.
/// </summary>
public static class HpaModelMapper
{
    public static HpaObject ToCore(V2HorizontalPodAutoscaler hpa)
    {
        var meta = hpa.Metadata;
        var spec = hpa.Spec;
        var annotations = meta.Annotations is { } a ? new Dictionary<string, string>(a) : (IReadOnlyDictionary<string, string>)HpaObject.NoAnnotations;
        var target = spec.ScaleTargetRef;
        return new HpaObject(new HpaRef(meta.NamespaceProperty ?? "default", meta.Name), annotations, new HpaSpec(
            new ScaleTargetRef(target?.Kind ?? "", target?.Name ?? "", target?.ApiVersion),
            spec.MinReplicas,
            spec.MaxReplicas,
            spec.Metrics?.Select(ToCore).ToList() ?? [],
            spec.Behavior is { } b ? new HpaBehavior(ToCore(b.ScaleUp), ToCore(b.ScaleDown)) : null));
    }

    private static ScalingRules? ToCore(V2HPAScalingRules? r) => r is null ? null : new ScalingRules(
        r.StabilizationWindowSeconds,
        r.SelectPolicy switch { "Min" => SelectPolicy.Min, "Disabled" => SelectPolicy.Disabled, "Max" => SelectPolicy.Max, _ => null },
        r.Policies?.Select(p => new ScalingPolicy(p.Type == "Percent" ? ScalingPolicyType.Percent : ScalingPolicyType.Pods, p.Value, p.PeriodSeconds)).ToList(),
        r.Tolerance is { } t && Quantity.TryParse(t.ToString(), out var tq) ? tq.ToDouble() : null);

    private static MetricSpec ToCore(V2MetricSpec m)
    {
        var type = m.Type switch
        {
            "Resource" => MetricSourceType.Resource,
            "ContainerResource" => MetricSourceType.ContainerResource,
            "Pods" => MetricSourceType.Pods,
            "Object" => MetricSourceType.Object,
            "External" => MetricSourceType.External,
            _ => MetricSourceType.Unknown,
        };
        return type switch
        {
            MetricSourceType.Resource when m.Resource is { } r => new MetricSpec(type, ToCore(r.Target), ResourceName: r.Name, TypeName: m.Type),
            MetricSourceType.ContainerResource when m.ContainerResource is { } c => new MetricSpec(type, ToCore(c.Target), ResourceName: c.Name, Container: c.Container, TypeName: m.Type),
            MetricSourceType.Pods when m.Pods is { } p => new MetricSpec(type, ToCore(p.Target), MetricName: p.Metric?.Name, MetricSelector: ToCore(p.Metric?.Selector), TypeName: m.Type),
            MetricSourceType.Object when m.ObjectProperty is { } o => new MetricSpec(type, ToCore(o.Target), MetricName: o.Metric?.Name, MetricSelector: ToCore(o.Metric?.Selector),
                DescribedObject: new ObjectReference(o.DescribedObject?.Kind ?? "", o.DescribedObject?.Name ?? "", o.DescribedObject?.ApiVersion), TypeName: m.Type),
            MetricSourceType.External when m.External is { } e => new MetricSpec(type, ToCore(e.Target), MetricName: e.Metric?.Name, MetricSelector: ToCore(e.Metric?.Selector), TypeName: m.Type),
            _ => new MetricSpec(MetricSourceType.Unknown, new MetricTarget(MetricTargetType.Value), TypeName: m.Type),
        };
    }

    private static MetricTarget ToCore(V2MetricTarget? t) => new(
        t?.Type switch { "Utilization" => MetricTargetType.Utilization, "AverageValue" => MetricTargetType.AverageValue, _ => MetricTargetType.Value },
        t?.AverageUtilization,
        ToQuantity(t?.Value),
        ToQuantity(t?.AverageValue));

    private static Quantity? ToQuantity(ResourceQuantity? q) => q is not null && Quantity.TryParse(q.ToString(), out var v) ? v : null;

    private static LabelSelector? ToCore(V1LabelSelector? s) => s is null ? null : new LabelSelector(
        s.MatchLabels is { } ml ? new Dictionary<string, string>(ml) : null,
        s.MatchExpressions?.Select(e => new LabelSelectorRequirement(e.Key, e.OperatorProperty, e.Values?.ToList() ?? [])).ToList());

    /// <summary>A pod as the algorithm needs it; regular containers plus sidecar (restartPolicy Always) init containers.</summary>
    public static PodInfo ToCore(V1Pod pod)
    {
        var status = pod.Status;
        var phase = status?.Phase switch
        {
            "Pending" => PodPhase.Pending,
            "Running" => PodPhase.Running,
            "Succeeded" => PodPhase.Succeeded,
            "Failed" => PodPhase.Failed,
            _ => PodPhase.Unknown,
        };
        var readyCondition = status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        PodReadyCondition? ready = readyCondition is null ? null : new PodReadyCondition(
            readyCondition.Status switch { "True" => ConditionStatus.True, "False" => ConditionStatus.False, _ => ConditionStatus.Unknown },
            readyCondition.LastTransitionTime is { } lt ? Utc(lt) : DateTimeOffset.MinValue);
        var containers = new List<ContainerRequests>((pod.Spec?.Containers?.Count ?? 0) + 1);
        foreach (var c in pod.Spec?.Containers ?? []) containers.Add(new ContainerRequests(c.Name, Requests(c.Resources?.Requests)));
        foreach (var c in pod.Spec?.InitContainers ?? [])
            if (c.RestartPolicy == "Always") containers.Add(new ContainerRequests(c.Name, Requests(c.Resources?.Requests), IsSidecar: true));
        return new PodInfo(pod.Metadata.Name, phase, status?.StartTime is { } st ? Utc(st) : null, ready, containers, pod.Spec?.NodeName,
            pod.Metadata.DeletionTimestamp is not null)
        {
            PodRequests = pod.Spec?.Resources?.Requests is { Count: > 0 } pr ? Requests(pr) : null,
        };
    }

    private static IReadOnlyDictionary<string, Quantity> Requests(IDictionary<string, ResourceQuantity>? requests)
    {
        if (requests is null || requests.Count == 0) return ContainerRequests.None;
        var d = new Dictionary<string, Quantity>(requests.Count, StringComparer.Ordinal);
        foreach (var (k, v) in requests) if (Quantity.TryParse(v?.ToString(), out var q)) d[k] = q;
        return d;
    }

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));

    /// <summary>
    /// status for upstream's fields: current/desired replicas, currentMetrics (spec order, failed ones left out),
    /// conditions (transition time now; the writer keeps older ones whose status did not change), lastScaleTime.
    /// </summary>
    public static V2HorizontalPodAutoscalerStatus ToStatus(HpaResult result, int current, int desired, IReadOnlyList<HpaCondition> conditions,
        DateTimeOffset? lastScaleTime, long? observedGeneration, DateTimeOffset now)
    {
        var metrics = new List<V2MetricStatus>();
        foreach (var m in result.Metrics)
            if (m.Error is null && ToStatus(m) is { } s) metrics.Add(s);
        return new V2HorizontalPodAutoscalerStatus
        {
            CurrentReplicas = current,
            DesiredReplicas = desired,
            CurrentMetrics = metrics.Count > 0 ? metrics : null,
            Conditions = conditions.Select(c => new V2HorizontalPodAutoscalerCondition
            {
                Type = c.Type,
                Status = c.Status.ToString(),
                Reason = c.Reason,
                Message = c.Message,
                LastTransitionTime = now.UtcDateTime,
            }).ToList(),
            LastScaleTime = lastScaleTime?.UtcDateTime,
            ObservedGeneration = observedGeneration,
        };
    }

    private static V2MetricStatus? ToStatus(MetricOutcome m)
    {
        var current = new V2MetricValueStatus
        {
            AverageUtilization = m.CurrentAverageUtilization,
            AverageValue = m.CurrentAverageValue is { } av ? new ResourceQuantity(av.ToString()) : null,
            Value = m.CurrentValue is { } v ? new ResourceQuantity(v.ToString()) : null,
        };
        var spec = m.Spec;
        V2MetricIdentifier Identifier() => new() { Name = spec.MetricName ?? "", Selector = ToV1(spec.MetricSelector) };
        return spec.Type switch
        {
            MetricSourceType.Resource => new V2MetricStatus { Type = "Resource", Resource = new V2ResourceMetricStatus { Name = spec.ResourceName ?? "", Current = current } },
            MetricSourceType.ContainerResource => new V2MetricStatus { Type = "ContainerResource", ContainerResource = new V2ContainerResourceMetricStatus { Name = spec.ResourceName ?? "", Container = spec.Container ?? "", Current = current } },
            MetricSourceType.Pods => new V2MetricStatus { Type = "Pods", Pods = new V2PodsMetricStatus { Metric = Identifier(), Current = current } },
            MetricSourceType.Object => new V2MetricStatus
            {
                Type = "Object",
                ObjectProperty = new V2ObjectMetricStatus
                {
                    Metric = Identifier(),
                    Current = current,
                    DescribedObject = new V2CrossVersionObjectReference { Kind = spec.DescribedObject?.Kind ?? "", Name = spec.DescribedObject?.Name ?? "", ApiVersion = spec.DescribedObject?.ApiVersion },
                },
            },
            MetricSourceType.External => new V2MetricStatus { Type = "External", External = new V2ExternalMetricStatus { Metric = Identifier(), Current = current } },
            _ => null,
        };
    }

    private static V1LabelSelector? ToV1(LabelSelector? s) => s is null ? null : new V1LabelSelector
    {
        MatchLabels = s.MatchLabels is { } ml ? new Dictionary<string, string>(ml) : null,
        MatchExpressions = s.MatchExpressions?.Select(e => new V1LabelSelectorRequirement { Key = e.Key, OperatorProperty = e.Operator, Values = e.Values.ToList() }).ToList(),
    };
}
