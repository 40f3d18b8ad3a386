namespace EdgeScaler.Core.Hpa;

using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Units;

/// <summary>
/// An autoscaling/v2 HorizontalPodAutoscaler as the algorithm sees it: plain records, no Kubernetes client types,
/// so the Scaler, `explain` and the tests all feed the same pure code (mapping lives in EdgeScaler.Kubernetes/Mapping).
/// </summary>
public sealed record HpaObject(
    HpaRef Ref,
    IReadOnlyDictionary<string, string> Annotations,
    HpaSpec Spec)
{
    public static readonly IReadOnlyDictionary<string, string> NoAnnotations = new Dictionary<string, string>();
}

/// <summary>spec of an autoscaling/v2 HPA. <see cref="MinReplicas"/> null means the API default (1).</summary>
public sealed record HpaSpec(
    ScaleTargetRef ScaleTargetRef,
    int? MinReplicas,
    int MaxReplicas,
    IReadOnlyList<MetricSpec> Metrics,
    HpaBehavior? Behavior)
{
    /// <summary>minReplicas after the API default (1).</summary>
    public int EffectiveMinReplicas => MinReplicas ?? 1;

    /// <summary>The metrics after the API default: no metrics means CPU at 80% utilization.</summary>
    public IReadOnlyList<MetricSpec> EffectiveMetrics => Metrics.Count > 0 ? Metrics : DefaultMetrics;

    public static readonly IReadOnlyList<MetricSpec> DefaultMetrics = [MetricSpec.ResourceUtilization("cpu", 80)];
}

/// <summary>spec.scaleTargetRef (a CrossVersionObjectReference).</summary>
public sealed record ScaleTargetRef(string Kind, string Name, string? ApiVersion);

/// <summary>metric source types; <see cref="Unknown"/> keeps an unrecognised type so it fails with InvalidMetricSourceType.</summary>
public enum MetricSourceType { Unknown, Object, Pods, Resource, ContainerResource, External }

public enum MetricTargetType { Utilization, Value, AverageValue }

/// <summary>A metric target. Only the field matching <see cref="Type"/> is meaningful, as in the API.</summary>
public sealed record MetricTarget(MetricTargetType Type, int? AverageUtilization = null, Quantity? Value = null, Quantity? AverageValue = null);

/// <summary>
/// One entry of spec.metrics, flattened: <see cref="ResourceName"/>/<see cref="Container"/> for Resource and
/// ContainerResource, <see cref="MetricName"/>/<see cref="MetricSelector"/> for Pods/Object/External,
/// <see cref="DescribedObject"/> for Object. <see cref="TypeName"/> is the type string as written (for messages).
/// </summary>
public sealed record MetricSpec(
    MetricSourceType Type,
    MetricTarget Target,
    string? ResourceName = null,
    string? Container = null,
    string? MetricName = null,
    LabelSelector? MetricSelector = null,
    ObjectReference? DescribedObject = null,
    string? TypeName = null)
{
    public string TypeText => TypeName ?? Type.ToString();

    public static MetricSpec ResourceUtilization(string resource, int percent) =>
        new(MetricSourceType.Resource, new MetricTarget(MetricTargetType.Utilization, AverageUtilization: percent), ResourceName: resource);

    public static MetricSpec ResourceAverageValue(string resource, Quantity averageValue) =>
        new(MetricSourceType.Resource, new MetricTarget(MetricTargetType.AverageValue, AverageValue: averageValue), ResourceName: resource);

    public static MetricSpec ContainerResourceUtilization(string resource, string container, int percent) =>
        new(MetricSourceType.ContainerResource, new MetricTarget(MetricTargetType.Utilization, AverageUtilization: percent), ResourceName: resource, Container: container);

    public static MetricSpec Pods(string metricName, Quantity averageValue, LabelSelector? selector = null) =>
        new(MetricSourceType.Pods, new MetricTarget(MetricTargetType.AverageValue, AverageValue: averageValue), MetricName: metricName, MetricSelector: selector);

    public static MetricSpec ObjectValue(string metricName, ObjectReference described, Quantity value, LabelSelector? selector = null) =>
        new(MetricSourceType.Object, new MetricTarget(MetricTargetType.Value, Value: value), MetricName: metricName, MetricSelector: selector, DescribedObject: described);

    public static MetricSpec ObjectAverageValue(string metricName, ObjectReference described, Quantity averageValue, LabelSelector? selector = null) =>
        new(MetricSourceType.Object, new MetricTarget(MetricTargetType.AverageValue, AverageValue: averageValue), MetricName: metricName, MetricSelector: selector, DescribedObject: described);

    public static MetricSpec ExternalValue(string metricName, Quantity value, LabelSelector? selector = null) =>
        new(MetricSourceType.External, new MetricTarget(MetricTargetType.Value, Value: value), MetricName: metricName, MetricSelector: selector);

    public static MetricSpec ExternalAverageValue(string metricName, Quantity averageValue, LabelSelector? selector = null) =>
        new(MetricSourceType.External, new MetricTarget(MetricTargetType.AverageValue, AverageValue: averageValue), MetricName: metricName, MetricSelector: selector);
}

/// <summary>An Object metric's describedObject.</summary>
public sealed record ObjectReference(string Kind, string Name, string? ApiVersion = null);
