namespace EdgeScaler.Core.Hpa;

using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;

/// <summary>One HPA's full decision: upstream's answer, then the thermal policy, then any override.</summary>
public sealed record ScalingOutcome(
    HpaResult Hpa,
    ThermalOutcome Thermal,
    OverrideOutcome? Override,
    int DesiredReplicas,
    ScaleDecision Decision,
    HpaHistory HistoryAfter,
    string? PolicyWarning)
{
    public bool IsRescale => DesiredReplicas != Hpa.CurrentReplicas;
}

/// <summary>
/// The decision the Scaler acts on and `explain` prints — one code path for both:
/// <see cref="HpaReconciler"/> (what Kubernetes would do), <see cref="ThermalPolicy"/> (what the hosting nodes'
/// heat allows), <see cref="OverridePolicy"/> (a manual pin, which a critical node still stops from scaling up).
/// The recommendation history records the HPA's own recommendation; scale events record what is actually written.
/// </summary>
public static class ScalingPipeline
{
    public static ScalingOutcome Decide(HpaInput input, IReadOnlyDictionary<string, ThermalState> nodeStates, ActiveOverride? activeOverride)
    {
        var hpa = HpaReconciler.Reconcile(input);
        var spec = input.Hpa.Spec;
        var current = hpa.CurrentReplicas;
        var min = spec.EffectiveMinReplicas;
        var policy = ThermalPolicyAnnotation.Parse(input.Hpa.Annotations, out var policyWarning);
        var hosting = HostingThermal.Of(input.Pods, nodeStates);

        // Scaling disabled (target at zero with minReplicas > 0) is the user's pause: nothing overrides it.
        var disabled = current == 0 && min != 0;
        var thermal = disabled
            ? new ThermalOutcome(policy, hosting.Worst, hosting.Nodes, null, hpa.DesiredReplicas, hpa.DesiredReplicas, ScaleMode.Auto, "scaling is disabled")
            : ThermalPolicy.Apply(policy, hosting, current, hpa.DesiredReplicas, min, spec.Behavior, input.History, input.Now);
        var ov = disabled ? null : OverridePolicy.Apply(activeOverride, current, min, spec.MaxReplicas, hosting.AnyCritical, input.Now);

        var desired = ov?.Allowed ?? thermal.Allowed;
        var mode = ov is not null ? ScaleMode.Override : thermal.Mode;
        // Upstream's reason comes from the proposal before normalization; when the legacy window alone moves the count
        // it is empty ("New size: 6; reason: "), so a rescale never says "within target".
        var reason = ov?.Reason
            ?? (thermal.Mode != ScaleMode.Auto ? thermal.Reason : null)
            ?? hpa.RescaleReason
            ?? (hpa.IsRescale ? ""
                : hpa.Error is not null ? "metrics unavailable; keeping current replicas" : "within target");

        // Events are the history of writes: replace the HPA's own (hypothetical) event with the real one.
        var history = hpa.HistoryAfter with { ScaleUpEvents = input.History.ScaleUpEvents, ScaleDownEvents = input.History.ScaleDownEvents };
        history = Normalization.StoreScaleEvent(history, spec.Behavior, current, desired, input.Now);

        var decision = new ScaleDecision(input.Hpa.Ref, input.Now, current, hpa.DesiredReplicas, desired, mode, reason)
        {
            HostingThermalState = hosting.Worst,
            ThermalPolicy = policy.ToWire(),
            ThermalCap = thermal.Cap,
            Error = hpa.Error,
        };
        return new ScalingOutcome(hpa, thermal, ov, desired, decision, history, policyWarning);
    }
}
