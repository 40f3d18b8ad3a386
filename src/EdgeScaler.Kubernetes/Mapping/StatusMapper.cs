namespace EdgeScaler.Kubernetes.Mapping;

using EdgeScaler.Core.Hpa;
using k8s.Models;

/// <summary>
/// <see cref="HpaResult"/> → autoscaling/v2 status, the way upstream's setStatus writes it: currentMetrics in spec
/// order (a failed metric leaves an empty entry, as upstream's zero-valued MetricStatus does; none computed — a
/// shortcut, a bad selector — leaves none), conditions merged with the previous ones (lastTransitionTime kept while
/// a condition's status is unchanged, types not set this round kept), desiredReplicas the count written (the
/// current one when nothing was written; the previous value when the metrics could not be computed at all, as
/// upstream's setCurrentReplicasAndMetricsInStatus keeps it), lastScaleTime set when the controller rescaled.
/// </summary>
public static class StatusMapper
{
    public static V2HorizontalPodAutoscalerStatus ToStatus(HpaResult result, int writtenDesired, bool rescaled,
        V2HorizontalPodAutoscalerStatus? previous, IEnumerable<HpaCondition> extraConditions, DateTime nowUtc)
    {
        var conditions = previous?.Conditions?.Select(Copy).ToList() ?? [];
        foreach (var c in result.Conditions.Concat(extraConditions)) SetCondition(conditions, c, nowUtc);
        var metricsFailed = result.Error is not null && result.RecommendedReplicas is null;
        return new V2HorizontalPodAutoscalerStatus
        {
            CurrentReplicas = result.CurrentReplicas,
            DesiredReplicas = rescaled ? writtenDesired : metricsFailed ? previous?.DesiredReplicas ?? result.CurrentReplicas : result.CurrentReplicas,
            CurrentMetrics = result.Metrics.Count == 0 ? null : result.Metrics.Select(ToMetricStatus).ToList(),
            Conditions = conditions,
            LastScaleTime = rescaled ? nowUtc : previous?.LastScaleTime,
            ObservedGeneration = previous?.ObservedGeneration,
        };
    }

    /// <summary>upstream's setCondition: replace by type; keep lastTransitionTime when the status did not change.</summary>
    public static void SetCondition(IList<V2HorizontalPodAutoscalerCondition> conditions, HpaCondition c, DateTime nowUtc)
    {
        var status = StatusText(c.Status);
        var existing = -1;
        for (var i = 0; i < conditions.Count && existing < 0; i++)
            if (conditions[i].Type == c.Type) existing = i;
        var transition = existing >= 0 && conditions[existing].Status == status ? conditions[existing].LastTransitionTime : nowUtc;
        var updated = new V2HorizontalPodAutoscalerCondition { Type = c.Type, Status = status, Reason = c.Reason, Message = c.Message, LastTransitionTime = transition };
        if (existing >= 0) conditions[existing] = updated; else conditions.Add(updated);
    }

    /// <summary>The condition status as the API spells it (the enum's names; no boxing, no formatting per condition).</summary>
    private static string StatusText(ConditionStatus status) => status switch
    {
        ConditionStatus.True => "True",
        ConditionStatus.False => "False",
        _ => "Unknown",
    };

    public static V2MetricStatus ToMetricStatus(MetricOutcome m)
    {
        if (m.Proposal is null) return new V2MetricStatus { Type = "" };
        var current = new V2MetricValueStatus
        {
            AverageUtilization = m.CurrentAverageUtilization,
            AverageValue = m.CurrentAverageValue is { } av ? QuantityMapping.ToResourceQuantity(av) : null,
            Value = m.CurrentValue is { } v ? QuantityMapping.ToResourceQuantity(v) : null,
        };
        var spec = m.Spec;
        var metric = new V2MetricIdentifier { Name = spec.MetricName ?? "", Selector = ToV1Selector(spec.MetricSelector) };
        return spec.Type switch
        {
            MetricSourceType.Resource => new V2MetricStatus { Type = "Resource", Resource = new V2ResourceMetricStatus { Name = spec.ResourceName, Current = current } },
            MetricSourceType.ContainerResource => new V2MetricStatus
            {
                Type = "ContainerResource",
                ContainerResource = new V2ContainerResourceMetricStatus { Name = spec.ResourceName, Container = spec.Container, Current = current },
            },
            MetricSourceType.Pods => new V2MetricStatus { Type = "Pods", Pods = new V2PodsMetricStatus { Metric = metric, Current = current } },
            MetricSourceType.Object => new V2MetricStatus
            {
                Type = "Object",
                ObjectProperty = new V2ObjectMetricStatus
                {
                    Metric = metric,
                    Current = current,
                    DescribedObject = new V2CrossVersionObjectReference { Kind = spec.DescribedObject?.Kind, Name = spec.DescribedObject?.Name, ApiVersion = spec.DescribedObject?.ApiVersion },
                },
            },
            MetricSourceType.External => new V2MetricStatus { Type = "External", External = new V2ExternalMetricStatus { Metric = metric, Current = current } },
            _ => new V2MetricStatus { Type = "" },
        };
    }

    private static V1LabelSelector? ToV1Selector(LabelSelector? s) => s is null ? null : new V1LabelSelector
    {
        MatchLabels = s.MatchLabels is null ? null : new Dictionary<string, string>(s.MatchLabels),
        MatchExpressions = s.MatchExpressions?.Select(e => new V1LabelSelectorRequirement { Key = e.Key, OperatorProperty = e.Operator, Values = e.Values.ToList() }).ToList(),
    };

    private static V2HorizontalPodAutoscalerCondition Copy(V2HorizontalPodAutoscalerCondition c) =>
        new() { Type = c.Type, Status = c.Status, Reason = c.Reason, Message = c.Message, LastTransitionTime = c.LastTransitionTime };
}
