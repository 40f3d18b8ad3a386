namespace EdgeScaler.Core.Hpa;

using EdgeScaler.Core.Scaling;

/// <summary>The target's autoscaling/v1 Scale: spec.replicas, status.replicas, status.selector.</summary>
public sealed record ScaleInfo(int SpecReplicas, int StatusReplicas, string? Selector);

/// <summary>
/// Everything one reconcile of one HPA reads, fetched beforehand so the algorithm is pure:
/// the HPA, its target's Scale, the pods the Scale's selector matches, a metrics source, the controller's memory
/// for this HPA, the controller settings and the time the decision is made at.
/// </summary>
public sealed record HpaInput(
    HpaObject Hpa,
    ScaleInfo Scale,
    IReadOnlyList<PodInfo> Pods,
    IHpaMetricsSource Metrics,
    HpaHistory History,
    DateTimeOffset Now)
{
    public HpaSettings Settings { get; init; } = HpaSettings.Default;

    /// <summary>
    /// Every HPA (this one included) whose selector matches any of <see cref="Pods"/>; more than one is
    /// upstream's AmbiguousSelector. Empty when the caller does not know (explain).
    /// </summary>
    public IReadOnlyList<HpaRef> SelectingHpas { get; init; } = [];
}
