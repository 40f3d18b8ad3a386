namespace EdgeScaler.Core.Hpa;

using EdgeScaler.Core.Units;

/// <summary>
/// Upstream's computeReplicasForMetric and computeStatusFor*Metric: one metric spec → a proposal, the status values,
/// and on failure the ScalingActive reason, the condition message and the wrapped error, with upstream's exact wording.
/// </summary>
internal sealed class MetricEvaluator(HpaInput input, Tolerances tolerances, List<HpaEvent> events)
{
    private readonly ReplicaCalculator _calc = new(input.Pods, tolerances, input.Settings, input.Now);

    /// <summary>The failure details upstream keeps for the first invalid metric.</summary>
    public sealed record Failure(string Reason, string ConditionMessage, string Error);

    public (MetricOutcome Outcome, Failure? Failure) Evaluate(MetricSpec spec)
    {
        var specReplicas = input.Scale.SpecReplicas;
        var statusReplicas = input.Scale.StatusReplicas;
        switch (spec.Type)
        {
            case MetricSourceType.Resource:
            case MetricSourceType.ContainerResource:
                return EvaluateResource(spec, specReplicas);
            case MetricSourceType.Pods:
                return EvaluatePods(spec, specReplicas);
            case MetricSourceType.Object:
                return EvaluateObject(spec, specReplicas, statusReplicas);
            case MetricSourceType.External:
                return EvaluateExternal(spec, specReplicas, statusReplicas);
            default:
                var err = $"unknown metric source type \"{spec.TypeText}\"";
                return Failed(spec, HpaConditions.InvalidMetricSourceType, err, err);
        }
    }

    private (MetricOutcome, Failure?) EvaluateResource(MetricSpec spec, int specReplicas)
    {
        var container = spec.Type == MetricSourceType.ContainerResource ? spec.Container : null;
        var isContainer = spec.Type == MetricSourceType.ContainerResource;
        var reason = isContainer ? HpaConditions.FailedGetContainerResourceMetric : HpaConditions.FailedGetResourceMetric;
        var resource = spec.ResourceName ?? "";
        string Outer(string inner) => isContainer
            ? $"failed to get {resource} container metric value: {inner}"
            : $"failed to get {resource} resource metric value: {inner}";

        if (spec.Target.AverageValue is { } averageValue)
        {
            var r = _calc.ResourceAverageValue(specReplicas, averageValue.MilliValue(), resource, input.Metrics.GetResourceMetric(resource, container));
            if (!r.Ok)
            {
                var err = $"failed to get {resource} usage: {r.Error}";
                return Failed(spec, reason, err, Outer(err));
            }
            var o = r.Value!;
            var name = isContainer ? $"{resource} container resource" : $"{resource} resource";
            return (new MetricOutcome(spec, o.Replicas, name, o.Timestamp, null, Quantity.FromMilli(o.RawValue), null, o.Pods, null, null), null);
        }
        if (spec.Target.AverageUtilization is not { } target)
        {
            const string err = "invalid resource metric source: neither an average utilization target nor an average value (usage) target was set";
            return Failed(spec, reason, err, Outer(err));
        }
        var u = _calc.ResourceUtilization(specReplicas, target, resource, container, input.Metrics.GetResourceMetric(resource, container));
        if (!u.Ok)
        {
            var err = $"failed to get {resource} utilization: {u.Error}";
            return Failed(spec, reason, err, Outer(err));
        }
        var ou = u.Value!;
        var metricName = isContainer
            ? $"{resource} container resource utilization (percentage of request)"
            : $"{resource} resource utilization (percentage of request)";
        return (new MetricOutcome(spec, ou.Replicas, metricName, ou.Timestamp, ou.Utilization, Quantity.FromMilli(ou.RawValue), null, ou.Pods, null, null), null);
    }

    private (MetricOutcome, Failure?) EvaluatePods(MetricSpec spec, int specReplicas)
    {
        const string reason = HpaConditions.FailedGetPodsMetric;
        var metricName = spec.MetricName ?? "";
        if (spec.MetricSelector?.Validate() is { } selectorError)
            return Failed(spec, reason, selectorError, $"failed to get pods metric value: {selectorError}");
        if (spec.Target.AverageValue is not { } target)
        {
            const string err = "invalid pods metric source: an average value target must be set";
            return Failed(spec, reason, err, $"failed to get pods metric value: {err}");
        }
        var r = _calc.PodsMetric(specReplicas, target.MilliValue(), metricName, input.Metrics.GetPodsMetric(metricName, spec.MetricSelector));
        if (!r.Ok) return Failed(spec, reason, r.Error!, $"failed to get pods metric value: {r.Error}");
        var o = r.Value!;
        return (new MetricOutcome(spec, o.Replicas, $"pods metric {metricName}", o.Timestamp, null, Quantity.FromMilli(o.RawValue), null, o.Pods, null, null), null);
    }

    private (MetricOutcome, Failure?) EvaluateObject(MetricSpec spec, int specReplicas, int statusReplicas)
    {
        const string reason = HpaConditions.FailedGetObjectMetric;
        var metricName = spec.MetricName ?? "";
        var obj = spec.DescribedObject ?? new ObjectReference("", "");
        static string Outer(string inner) => $"failed to get object metric value: {inner}";
        if (spec.MetricSelector?.Validate() is { } selectorError)
            return Failed(spec, reason, selectorError, Outer(selectorError));

        if (spec.Target.Type == MetricTargetType.Value && spec.Target.Value is { } value)
        {
            var fetched = input.Metrics.GetObjectMetric(metricName, obj, spec.MetricSelector);
            if (!fetched.Ok)
            {
                // Upstream's argument order, kept verbatim: "unable to get metric NAME: KIND on NAMESPACE OBJ/ERROR".
                var err = $"unable to get metric {metricName}: {obj.Kind} on {input.Hpa.Ref.Namespace} {obj.Name}/{fetched.Error}";
                return Failed(spec, reason, err, Outer(err));
            }
            var r = _calc.UsageRatioReplicas(specReplicas, fetched.Value!.Value, value.MilliValue(), fetched.Value.Timestamp);
            if (!r.Ok) return Failed(spec, reason, r.Error!, Outer(r.Error!));
            var o = r.Value!;
            return (new MetricOutcome(spec, o.Replicas, $"{obj.Kind} metric {metricName}", o.Timestamp, null, null, Quantity.FromMilli(o.RawValue), null, null, null), null);
        }
        if (spec.Target.Type == MetricTargetType.AverageValue && spec.Target.AverageValue is { } average)
        {
            var fetched = input.Metrics.GetObjectMetric(metricName, obj, spec.MetricSelector);
            if (!fetched.Ok)
            {
                var err = $"unable to get metric {metricName}: {obj.Kind} on {input.Hpa.Ref.Namespace} {obj.Name}/{fetched.Error}";
                return Failed(spec, reason, err, Outer($"failed to get {metricName} object metric: {err}"));
            }
            var o = ReplicaCalculator.PerPodReplicas(statusReplicas, fetched.Value!.Value, average.MilliValue(), tolerances, fetched.Value.Timestamp);
            // Upstream names this proposal "external metric …" too; kept so messages match.
            var name = $"external metric {metricName}({LabelSelector.ToGoString(spec.MetricSelector)})";
            return (new MetricOutcome(spec, o.Replicas, name, o.Timestamp, null, Quantity.FromMilli(o.RawValue), null, null, null, null), null);
        }
        const string none = "invalid object metric source: neither a value target nor an average value target was set";
        return Failed(spec, reason, none, Outer(none));
    }

    private (MetricOutcome, Failure?) EvaluateExternal(MetricSpec spec, int specReplicas, int statusReplicas)
    {
        const string reason = HpaConditions.FailedGetExternalMetric;
        var metricName = spec.MetricName ?? "";
        string Outer(string inner) => $"failed to get {metricName} external metric: {inner}";
        var name = $"external metric {metricName}({LabelSelector.ToGoString(spec.MetricSelector)})";

        if (spec.Target.AverageValue is not null || spec.Target.Value is not null)
        {
            if (spec.MetricSelector?.Validate() is { } selectorError)
                return Failed(spec, reason, selectorError, Outer($"failed to get external metric {metricName}: {selectorError}"));
            var fetched = input.Metrics.GetExternalMetric(metricName, spec.MetricSelector);
            if (!fetched.Ok)
            {
                var err = $"unable to get external metric {input.Hpa.Ref.Namespace}/{metricName}/{LabelSelector.ToGoString(spec.MetricSelector)}: {fetched.Error}";
                return Failed(spec, reason, err, Outer($"failed to get external metric {metricName}: {err}"));
            }
            long usage = 0;
            foreach (var v in fetched.Value!.Values) usage = SaturatingAdd(usage, v);

            if (spec.Target.AverageValue is { } average)
            {
                var o = ReplicaCalculator.PerPodReplicas(statusReplicas, usage, average.MilliValue(), tolerances, fetched.Value.Timestamp);
                return (new MetricOutcome(spec, o.Replicas, name, o.Timestamp, null, Quantity.FromMilli(o.RawValue), null, null, null, null), null);
            }
            var r = _calc.UsageRatioReplicas(specReplicas, usage, spec.Target.Value!.Value.MilliValue(), fetched.Value.Timestamp);
            if (!r.Ok) return Failed(spec, reason, r.Error!, Outer($"failed to get external metric {metricName}: {r.Error}"));
            var ov = r.Value!;
            return (new MetricOutcome(spec, ov.Replicas, name, ov.Timestamp, null, null, Quantity.FromMilli(ov.RawValue), null, null, null), null);
        }
        const string none = "invalid external metric source: neither a value target nor an average value target was set";
        return Failed(spec, reason, none, Outer($"failed to get external metric {metricName}: {none}"));
    }

    private static long SaturatingAdd(long a, long b)
    {
        var s = a + b;
        if (((a ^ s) & (b ^ s)) < 0) return a > 0 ? long.MaxValue : long.MinValue;
        return s;
    }

    /// <summary>A failed metric: upstream emits a Warning event with the inner error and keeps a ScalingActive=False condition.</summary>
    private (MetricOutcome, Failure?) Failed(MetricSpec spec, string reason, string conditionError, string wrappedError)
    {
        events.Add(new HpaEvent("Warning", reason, conditionError));
        var failure = new Failure(reason, $"the HPA was unable to compute the replica count: {conditionError}", wrappedError);
        return (new MetricOutcome(spec, null, null, null, null, null, null, null, wrappedError, reason), failure);
    }
}
