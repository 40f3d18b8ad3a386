namespace EdgeScaler.Simulation.Engine;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Scaling;

/// <summary>
/// Runs the real EdgeScaler decision code for a simulated workload: upstream's HPA reconcile
/// (<see cref="HpaReconciler"/>) on the workload's HPA, Scale, pods and pod metrics, then the thermal policy on the
/// states of the nodes its pods run on. Keeps each HPA's controller memory between syncs as the Scaler does.
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
        var input = new HpaInput(
            HpaInputBuilder.Hpa(workload),
            HpaInputBuilder.Scale(workload),
            HpaInputBuilder.Pods(workload),
            HpaInputBuilder.Metrics(workload, cluster),
            _history.GetValueOrDefault(workload) ?? HpaHistory.Empty,
            now)
        { SelectingHpas = [workload.Hpa] };
        var result = HpaReconciler.Reconcile(input);
        LastHpaResults[workload] = result;
        _history[workload] = result.HistoryAfter;

        var current = workload.SpecReplicas;
        var recommended = result.DesiredReplicas;
        return new ScaleDecision(workload.Hpa, now, current, recommended, recommended, ScaleMode.Auto, Reason(result));
    }

    private static string Reason(HpaResult r)
    {
        if (r.Error is { } e) return e;
        if (r.RescaleReason is { } rescale) return rescale;
        foreach (var c in r.Conditions)
            if (c.Type == HpaConditions.ScalingLimited) return c.Reason;
        return "";
    }
}
