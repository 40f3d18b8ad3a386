namespace EdgeScaler.Scaler;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Scaling;

/// <summary>What EdgeScaler's own rules (thermal policy, overrides) make of upstream's answer for one HPA.</summary>
/// <param name="Desired">The replica count to write.</param>
/// <param name="Reason">Why, in words, for events, telemetry and the panel.</param>
public sealed record PolicyOutcome(int Desired, ScaleMode Mode, string Reason);

/// <summary>
/// The step after the upstream algorithm: given the HPA, the algorithm's result and the pods (with their nodes),
/// decide the count actually written. Pure; the controller supplies `now`.
/// </summary>
public interface IDecisionPolicy
{
    PolicyOutcome Decide(HpaObject hpa, HpaResult result, IReadOnlyList<PodInfo> pods, DateTimeOffset now);
}

/// <summary>Upstream's answer unchanged (what kube-controller-manager would do).</summary>
public sealed class UpstreamPolicy : IDecisionPolicy
{
    public static readonly UpstreamPolicy Instance = new();

    public PolicyOutcome Decide(HpaObject hpa, HpaResult result, IReadOnlyList<PodInfo> pods, DateTimeOffset now) =>
        new(result.DesiredReplicas, ScaleMode.Auto, result.RescaleReason ?? "recommended size matches current size");
}
