namespace EdgeScaler.Core.Hpa;

/// <summary>Condition types and upstream's reason strings (pkg/controller/podautoscaler/horizontal.go).</summary>
public static class HpaConditions
{
    public const string AbleToScale = "AbleToScale";
    public const string ScalingActive = "ScalingActive";
    public const string ScalingLimited = "ScalingLimited";

    // AbleToScale
    public const string SucceededGetScale = "SucceededGetScale";
    public const string FailedGetScale = "FailedGetScale";
    public const string SucceededRescale = "SucceededRescale";
    public const string FailedUpdateScale = "FailedUpdateScale";
    public const string ReadyForNewScale = "ReadyForNewScale";
    public const string ScaleUpStabilized = "ScaleUpStabilized";
    public const string ScaleDownStabilized = "ScaleDownStabilized";

    // ScalingActive
    public const string ValidMetricFound = "ValidMetricFound";
    public const string ScalingDisabled = "ScalingDisabled";
    public const string InvalidSelector = "InvalidSelector";
    public const string AmbiguousSelector = "AmbiguousSelector";
    public const string FailedGetResourceMetric = "FailedGetResourceMetric";
    public const string FailedGetContainerResourceMetric = "FailedGetContainerResourceMetric";
    public const string FailedGetPodsMetric = "FailedGetPodsMetric";
    public const string FailedGetObjectMetric = "FailedGetObjectMetric";
    public const string FailedGetExternalMetric = "FailedGetExternalMetric";
    public const string InvalidMetricSourceType = "InvalidMetricSourceType";

    // ScalingLimited
    public const string DesiredWithinRange = "DesiredWithinRange";
    public const string TooManyReplicas = "TooManyReplicas";
    public const string TooFewReplicas = "TooFewReplicas";
    public const string ScaleUpLimit = "ScaleUpLimit";
    public const string ScaleDownLimit = "ScaleDownLimit";

    // Events
    public const string SuccessfulRescale = "SuccessfulRescale";
    public const string FailedRescale = "FailedRescale";
    public const string FailedComputeMetricsReplicas = "FailedComputeMetricsReplicas";
    public const string FailedGetScaleEvent = "FailedGetScale";

    public static HpaCondition SucceededGetScaleCondition() =>
        new(AbleToScale, ConditionStatus.True, SucceededGetScale, "the HPA controller was able to get the target's current scale");

    public static HpaCondition FailedGetScaleCondition(string error) =>
        new(AbleToScale, ConditionStatus.False, FailedGetScale, $"the HPA controller was unable to get the target's current scale: {error}");

    public static HpaCondition SucceededRescaleCondition(int desired) =>
        new(AbleToScale, ConditionStatus.True, SucceededRescale, $"the HPA controller was able to update the target scale to {desired}");

    public static HpaCondition FailedUpdateScaleCondition(string error) =>
        new(AbleToScale, ConditionStatus.False, FailedUpdateScale, $"the HPA controller was unable to update the target scale: {error}");

    /// <summary>Sets (replaces by type) a condition in a list, keeping the order types first appeared in.</summary>
    public static IReadOnlyList<HpaCondition> With(IReadOnlyList<HpaCondition> conditions, HpaCondition condition)
    {
        var list = new List<HpaCondition>(conditions.Count + 1);
        var replaced = false;
        foreach (var c in conditions)
        {
            if (c.Type == condition.Type) { list.Add(condition); replaced = true; }
            else list.Add(c);
        }
        if (!replaced) list.Add(condition);
        return list;
    }
}
