namespace EdgeScaler.Core.Hpa;

using EdgeScaler.Core.Units;

/// <summary>A status condition as upstream sets it (lastTransitionTime is the writer's business).</summary>
public sealed record HpaCondition(string Type, ConditionStatus Status, string Reason, string Message);

/// <summary>A Kubernetes Event the reconcile would emit (type Normal or Warning).</summary>
public sealed record HpaEvent(string Type, string Reason, string Message);

/// <summary>How the pods were grouped for a per-pod metric, by pod name.</summary>
public sealed record PodGroups(IReadOnlyList<string> Ready, IReadOnlyList<string> Unready, IReadOnlyList<string> Missing, IReadOnlyList<string> Ignored);

/// <summary>
/// One metric's result, in spec order: the replica proposal (null when it failed), the values upstream writes into
/// status.currentMetrics, how the pods were grouped, and the error when it failed.
/// </summary>
public sealed record MetricOutcome(
    MetricSpec Spec,
    int? Proposal,
    string? Name,
    DateTimeOffset? Timestamp,
    int? CurrentAverageUtilization,
    Quantity? CurrentAverageValue,
    Quantity? CurrentValue,
    PodGroups? Pods,
    string? Error,
    string? FailureReason);

/// <summary>
/// What upstream's reconcileAutoscaler decides for one HPA, before EdgeScaler's thermal policy and overrides.
/// <see cref="RecommendedReplicas"/> is the max over metric proposals (null when none could be made or a shortcut
/// skipped metrics), <see cref="StabilizedReplicas"/> after the stabilization window, <see cref="DesiredReplicas"/>
/// after rate limits and min/max (the current count when nothing may be changed).
/// <see cref="HistoryAfter"/> is the controller's memory after this decision, as if the write to /scale succeeded.
/// </summary>
public sealed record HpaResult(
    int CurrentReplicas,
    int? RecommendedReplicas,
    int? StabilizedReplicas,
    int DesiredReplicas,
    IReadOnlyList<MetricOutcome> Metrics,
    IReadOnlyList<HpaCondition> Conditions,
    HpaHistory HistoryAfter,
    string? Error,
    string? RescaleReason,
    IReadOnlyList<HpaEvent> Events)
{
    public bool IsRescale => DesiredReplicas != CurrentReplicas;
}
