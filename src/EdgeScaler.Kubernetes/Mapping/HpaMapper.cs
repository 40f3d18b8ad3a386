namespace EdgeScaler.Kubernetes.Mapping;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Scaling;
using k8s.Models;

/// <summary>
/// autoscaling/v2 HorizontalPodAutoscaler → <see cref="HpaObject"/>. Structural problems (no name, no
/// scaleTargetRef, maxReplicas &lt; 1, a bad quantity) throw <see cref="MappingException"/> naming the field;
/// an unknown metric type maps to <see cref="MetricSourceType.Unknown"/> so the algorithm reports it with
/// upstream's InvalidMetricSourceType instead of failing the whole HPA.
/// The controller maps with <c>metricProblems</c> (lenient metrics): a metric entry that does not map becomes an
/// entry of its type without a usable target, so the algorithm reports it with upstream's reason for that type
/// (FailedGetResourceMetric, FailedGetObjectMetric, ...) while the other metrics keep working; the problem is
/// handed back so the caller can log the field at fault.
/// </summary>
public static class HpaMapper
{
    /// <summary><see cref="ToCore(V2HorizontalPodAutoscaler)"/> with error paths under <paramref name="prefix"/> (e.g. "hpa.spec.maxReplicas").</summary>
    public static HpaObject ToCoreAt(V2HorizontalPodAutoscaler hpa, string prefix)
    {
        try { return ToCore(hpa); }
        catch (MappingException e) { throw new MappingException($"{prefix}.{e.Path}", e.Detail); }
    }

    public static HpaObject ToCore(V2HorizontalPodAutoscaler hpa) => ToCore(hpa, metricProblems: null);

    /// <summary>
    /// Maps with lenient metrics when <paramref name="metricProblems"/> is given (see the class summary); structural
    /// problems outside spec.metrics still throw.
    /// </summary>
    public static HpaObject ToCore(V2HorizontalPodAutoscaler hpa, List<MappingException>? metricProblems)
    {
        var meta = hpa.Metadata ?? throw new MappingException("metadata", "missing");
        if (string.IsNullOrEmpty(meta.Name)) throw new MappingException("metadata.name", "missing");
        var spec = hpa.Spec ?? throw new MappingException("spec", "missing");
        var target = spec.ScaleTargetRef ?? throw new MappingException("spec.scaleTargetRef", "missing");
        if (string.IsNullOrEmpty(target.Kind)) throw new MappingException("spec.scaleTargetRef.kind", "missing");
        if (string.IsNullOrEmpty(target.Name)) throw new MappingException("spec.scaleTargetRef.name", "missing");
        if (spec.MaxReplicas < 1) throw new MappingException("spec.maxReplicas", $"must be at least 1 (got {spec.MaxReplicas})");
        if (spec.MinReplicas is < 0) throw new MappingException("spec.minReplicas", $"must not be negative (got {spec.MinReplicas})");
        if (spec.MinReplicas is { } min && min > spec.MaxReplicas)
            throw new MappingException("spec.minReplicas", $"{min} is greater than maxReplicas {spec.MaxReplicas}");

        var metrics = new List<MetricSpec>();
        for (var i = 0; i < (spec.Metrics?.Count ?? 0); i++)
        {
            var m = spec.Metrics![i];
            if (metricProblems is null) { metrics.Add(ToMetric(m, $"spec.metrics[{i}]")); continue; }
            try { metrics.Add(ToMetric(m, $"spec.metrics[{i}]")); }
            catch (MappingException e)
            {
                metricProblems.Add(e);
                metrics.Add(Unusable(m));
            }
        }

        var annotations = meta.Annotations is null ? HpaObject.NoAnnotations : new Dictionary<string, string>(meta.Annotations);
        return new HpaObject(
            new HpaRef(string.IsNullOrEmpty(meta.NamespaceProperty) ? "default" : meta.NamespaceProperty, meta.Name),
            annotations,
            new HpaSpec(new ScaleTargetRef(target.Kind, target.Name, target.ApiVersion), spec.MinReplicas, spec.MaxReplicas, metrics, ToBehavior(spec.Behavior)));
    }

    private static MetricSpec ToMetric(V2MetricSpec m, string path)
    {
        switch (m.Type)
        {
            case "Resource":
            {
                var r = m.Resource ?? throw new MappingException($"{path}.resource", "missing for type Resource");
                return new MetricSpec(MetricSourceType.Resource, ToTarget(r.Target, $"{path}.resource.target"), ResourceName: r.Name);
            }
            case "ContainerResource":
            {
                var r = m.ContainerResource ?? throw new MappingException($"{path}.containerResource", "missing for type ContainerResource");
                return new MetricSpec(MetricSourceType.ContainerResource, ToTarget(r.Target, $"{path}.containerResource.target"), ResourceName: r.Name, Container: r.Container);
            }
            case "Pods":
            {
                var p = m.Pods ?? throw new MappingException($"{path}.pods", "missing for type Pods");
                return new MetricSpec(MetricSourceType.Pods, ToTarget(p.Target, $"{path}.pods.target"), MetricName: p.Metric?.Name, MetricSelector: ToSelector(p.Metric?.Selector));
            }
            case "Object":
            {
                var o = m.ObjectProperty ?? throw new MappingException($"{path}.object", "missing for type Object");
                var d = o.DescribedObject ?? throw new MappingException($"{path}.object.describedObject", "missing");
                return new MetricSpec(MetricSourceType.Object, ToTarget(o.Target, $"{path}.object.target"), MetricName: o.Metric?.Name,
                    MetricSelector: ToSelector(o.Metric?.Selector), DescribedObject: new ObjectReference(d.Kind, d.Name, d.ApiVersion));
            }
            case "External":
            {
                var e = m.External ?? throw new MappingException($"{path}.external", "missing for type External");
                return new MetricSpec(MetricSourceType.External, ToTarget(e.Target, $"{path}.external.target"), MetricName: e.Metric?.Name, MetricSelector: ToSelector(e.Metric?.Selector));
            }
            default:
                return new MetricSpec(MetricSourceType.Unknown, new MetricTarget(MetricTargetType.Value), TypeName: m.Type ?? "");
        }
    }

    /// <summary>
    /// A metric entry that did not map, kept as its type with no target value: the algorithm fails it with the
    /// reason upstream gives that type ("invalid ... metric source: neither ... target was set").
    /// </summary>
    private static MetricSpec Unusable(V2MetricSpec m)
    {
        var none = new MetricTarget(MetricTargetType.Value);
        return m.Type switch
        {
            "Resource" => new MetricSpec(MetricSourceType.Resource, none, ResourceName: m.Resource?.Name),
            "ContainerResource" => new MetricSpec(MetricSourceType.ContainerResource, none, ResourceName: m.ContainerResource?.Name, Container: m.ContainerResource?.Container),
            "Pods" => new MetricSpec(MetricSourceType.Pods, none, MetricName: m.Pods?.Metric?.Name),
            "Object" => new MetricSpec(MetricSourceType.Object, none, MetricName: m.ObjectProperty?.Metric?.Name,
                DescribedObject: m.ObjectProperty?.DescribedObject is { } d ? new ObjectReference(d.Kind, d.Name, d.ApiVersion) : null),
            "External" => new MetricSpec(MetricSourceType.External, none, MetricName: m.External?.Metric?.Name),
            _ => new MetricSpec(MetricSourceType.Unknown, none, TypeName: m.Type ?? ""),
        };
    }

    private static MetricTarget ToTarget(V2MetricTarget? t, string path)
    {
        if (t is null) throw new MappingException(path, "missing");
        var type = t.Type switch
        {
            "Utilization" => MetricTargetType.Utilization,
            "Value" => MetricTargetType.Value,
            "AverageValue" => MetricTargetType.AverageValue,
            _ => throw new MappingException($"{path}.type", $"\"{t.Type}\" is not one of Utilization, Value, AverageValue"),
        };
        if (t.AverageUtilization is < 1) throw new MappingException($"{path}.averageUtilization", $"must be at least 1 (got {t.AverageUtilization})");
        return new MetricTarget(type, t.AverageUtilization,
            QuantityMapping.ToQuantityOrNull(t.Value, $"{path}.value"),
            QuantityMapping.ToQuantityOrNull(t.AverageValue, $"{path}.averageValue"));
    }

    public static LabelSelector? ToSelector(V1LabelSelector? s)
    {
        if (s is null) return null;
        return new LabelSelector(
            s.MatchLabels is null ? null : new Dictionary<string, string>(s.MatchLabels),
            s.MatchExpressions?.Select(e => new LabelSelectorRequirement(e.Key, e.OperatorProperty, e.Values?.ToList() ?? [])).ToList());
    }

    private static HpaBehavior? ToBehavior(V2HorizontalPodAutoscalerBehavior? b) =>
        b is null ? null : new HpaBehavior(ToRules(b.ScaleUp, "spec.behavior.scaleUp"), ToRules(b.ScaleDown, "spec.behavior.scaleDown"));

    private static ScalingRules? ToRules(V2HPAScalingRules? r, string path)
    {
        if (r is null) return null;
        if (r.StabilizationWindowSeconds is < 0 or > 3600)
            throw new MappingException($"{path}.stabilizationWindowSeconds", $"must be within 0..3600 (got {r.StabilizationWindowSeconds})");
        SelectPolicy? select = r.SelectPolicy switch
        {
            null => null,
            "Max" => SelectPolicy.Max,
            "Min" => SelectPolicy.Min,
            "Disabled" => SelectPolicy.Disabled,
            _ => throw new MappingException($"{path}.selectPolicy", $"\"{r.SelectPolicy}\" is not one of Max, Min, Disabled"),
        };
        List<ScalingPolicy>? policies = null;
        if (r.Policies is not null)
        {
            policies = [];
            for (var i = 0; i < r.Policies.Count; i++)
            {
                var p = r.Policies[i];
                var type = p.Type switch
                {
                    "Pods" => ScalingPolicyType.Pods,
                    "Percent" => ScalingPolicyType.Percent,
                    _ => throw new MappingException($"{path}.policies[{i}].type", $"\"{p.Type}\" is not one of Pods, Percent"),
                };
                if (p.PeriodSeconds is < 1 or > 1800) throw new MappingException($"{path}.policies[{i}].periodSeconds", $"must be within 1..1800 (got {p.PeriodSeconds})");
                if (p.Value < 1) throw new MappingException($"{path}.policies[{i}].value", $"must be at least 1 (got {p.Value})");
                policies.Add(new ScalingPolicy(type, p.Value, p.PeriodSeconds));
            }
        }
        double? tolerance = null;
        if (r.Tolerance is { } t)
        {
            var q = QuantityMapping.ToQuantity(t, $"{path}.tolerance");
            if (q.Sign < 0) throw new MappingException($"{path}.tolerance", "must not be negative");
            tolerance = q.ToDouble();
        }
        return new ScalingRules(r.StabilizationWindowSeconds, select, policies, tolerance);
    }
}
