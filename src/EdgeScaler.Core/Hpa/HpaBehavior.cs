namespace EdgeScaler.Core.Hpa;

public enum ScalingPolicyType { Pods, Percent }

/// <summary>selectPolicy: Max (default) picks the policy allowing the biggest change, Min the smallest, Disabled none.</summary>
public enum SelectPolicy { Max, Min, Disabled }

public sealed record ScalingPolicy(ScalingPolicyType Type, int Value, int PeriodSeconds);

/// <summary>
/// HPAScalingRules for one direction. Null fields are "unset"; <see cref="HpaBehavior.WithDefaults"/> fills them
/// as the API server does. <see cref="Tolerance"/> is the per-HPA tolerance (KEP-4951); null uses the controller's.
/// </summary>
public sealed record ScalingRules(
    int? StabilizationWindowSeconds = null,
    SelectPolicy? SelectPolicy = null,
    IReadOnlyList<ScalingPolicy>? Policies = null,
    double? Tolerance = null);

/// <summary>spec.behavior. When an HPA has no behavior the legacy path (max(2x,4) limit) applies instead.</summary>
public sealed record HpaBehavior(ScalingRules? ScaleUp, ScalingRules? ScaleDown)
{
    public static readonly IReadOnlyList<ScalingPolicy> DefaultScaleUpPolicies =
        [new(ScalingPolicyType.Pods, 4, 15), new(ScalingPolicyType.Percent, 100, 15)];

    public static readonly IReadOnlyList<ScalingPolicy> DefaultScaleDownPolicies =
        [new(ScalingPolicyType.Percent, 100, 15)];

    /// <summary>
    /// The API server's defaults (SetDefaults_HorizontalPodAutoscaler): scaleUp window 0, Max, [4 pods, 100%] per 15s;
    /// scaleDown Max, [100%] per 15s, window left unset (the controller fills it from its flag at reconcile time).
    /// </summary>
    public HpaBehavior WithDefaults() => new(
        new ScalingRules(
            ScaleUp?.StabilizationWindowSeconds ?? 0,
            ScaleUp?.SelectPolicy ?? Hpa.SelectPolicy.Max,
            ScaleUp?.Policies ?? DefaultScaleUpPolicies,
            ScaleUp?.Tolerance),
        new ScalingRules(
            ScaleDown?.StabilizationWindowSeconds,
            ScaleDown?.SelectPolicy ?? Hpa.SelectPolicy.Max,
            ScaleDown?.Policies ?? DefaultScaleDownPolicies,
            ScaleDown?.Tolerance));
}
