namespace EdgeScaler.Simulation.Engine;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;

/// <summary>
/// Runs the real EdgeScaler decision code for a simulated workload: upstream's HPA reconcile
/// (<see cref="HpaReconciler"/>) on the workload's HPA, Scale, pods and pod metrics, then the thermal policy
/// (<see cref="ThermalPolicy"/>) on the states of the nodes its pods run on. Keeps each HPA's controller memory between
/// syncs as the Scaler does. (The Scaler's HpaController wraps the same two calls in Kubernetes list/watch and /scale
/// writes; the simulation has no API server, so it calls them directly.)
/// </summary>
public sealed class RealScalerBridge : IScalerBridge
{
    private readonly Dictionary<SimWorkload, HpaHistory> _history = [];

    /// <summary>The last upstream result per workload (tests and the decision log read it).</summary>
    public Dictionary<SimWorkload, HpaResult> LastHpaResults { get; } = [];

    public int Reconciles { get; private set; }

    public ScaleDecision Reconcile(SimWorkload workload, SimulatedCluster cluster, DateTimeOffset now)
    {
        Reconciles++;
        var hpa = HpaInputBuilder.Hpa(workload);
        var pods = HpaInputBuilder.Pods(workload);
        var history = _history.GetValueOrDefault(workload) ?? HpaHistory.Empty;
        var input = new HpaInput(hpa, HpaInputBuilder.Scale(workload), pods, HpaInputBuilder.Metrics(workload, cluster), history, now)
        { SelectingHpas = [workload.Hpa] };
        var result = HpaReconciler.Reconcile(input);
        LastHpaResults[workload] = result;

        // EdgeScaler's thermal policy on the states of the nodes hosting this workload's pods.
        var current = workload.SpecReplicas;
        var policy = ThermalPolicyAnnotation.Parse(hpa.Annotations, out _);
        var nodeStates = cluster.Nodes.ToDictionary(n => n.Name, n => n.State, StringComparer.Ordinal);
        var outcome = ThermalPolicy.Apply(policy, HostingThermal.Of(pods, nodeStates), current, result.DesiredReplicas,
            hpa.Spec.EffectiveMinReplicas, hpa.Spec.Behavior, history, now);
        LastThermalOutcomes[workload] = outcome;

        // The controller's memory records what was actually written: if the policy changed the count, the scale event is
        // the policy's, not the one the reconcile stored "as if" its answer had been written.
        var after = result.HistoryAfter;
        if (outcome.Allowed != result.DesiredReplicas)
        {
            after = history with { Recommendations = result.HistoryAfter.Recommendations };
            if (outcome.Allowed != current) after = Normalization.StoreScaleEvent(after, hpa.Spec.Behavior, current, outcome.Allowed, now);
        }
        _history[workload] = after;

        var reason = outcome.Changed || outcome.Mode != ScaleMode.Auto || (policy != ThermalPolicyMode.Ignore && outcome.State >= ThermalState.Hot)
            ? outcome.Reason : Reason(result);
        return new ScaleDecision(workload.Hpa, now, current, result.DesiredReplicas, outcome.Allowed, outcome.Mode, reason);
    }

    /// <summary>The last thermal-policy outcome per workload.</summary>
    public Dictionary<SimWorkload, ThermalOutcome> LastThermalOutcomes { get; } = [];

    private static string Reason(HpaResult r)
    {
        if (r.Error is { } e) return e;
        if (r.RescaleReason is { } rescale) return rescale;
        foreach (var c in r.Conditions)
            if (c.Type == HpaConditions.ScalingLimited) return c.Reason;
        return "";
    }
}
