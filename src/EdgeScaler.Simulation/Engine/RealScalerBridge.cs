namespace EdgeScaler.Simulation.Engine;

using EdgeScaler.Core.Hpa;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;

/// <summary>
/// Runs the real EdgeScaler decision code for a simulated workload: <see cref="ScalingPipeline.Decide"/>, the call the
/// Scaler's HpaController and `explain` make — upstream's HPA reconcile (<see cref="HpaReconciler"/>) on the workload's
/// HPA, Scale, pods and pod metrics, then the thermal policy on the states of the nodes its pods run on, then any
/// manual override in force. Keeps each HPA's controller memory between syncs as the Scaler does. (The HpaController
/// wraps the same call in Kubernetes list/watch and /scale writes; the simulation has no API server.)
/// </summary>
public sealed class RealScalerBridge : IScalerBridge
{
    private readonly Dictionary<SimWorkload, HpaHistory> _history = [];

    /// <summary>The last upstream result per workload (tests and the decision log read it).</summary>
    public Dictionary<SimWorkload, HpaResult> LastHpaResults { get; } = [];

    /// <summary>The last thermal-policy outcome per workload.</summary>
    public Dictionary<SimWorkload, ThermalOutcome> LastThermalOutcomes { get; } = [];

    public int Reconciles { get; private set; }

    public ScaleDecision Reconcile(SimWorkload workload, SimulatedCluster cluster, DateTimeOffset now)
    {
        Reconciles++;
        var history = _history.GetValueOrDefault(workload) ?? HpaHistory.Empty;
        var input = new HpaInput(HpaInputBuilder.Hpa(workload), HpaInputBuilder.Scale(workload), HpaInputBuilder.Pods(workload),
            HpaInputBuilder.Metrics(workload, cluster), history, now) { SelectingHpas = [workload.Hpa] };
        var nodeStates = new Dictionary<string, ThermalState>(cluster.Nodes.Count, StringComparer.Ordinal);
        foreach (var n in cluster.Nodes) nodeStates[n.Name] = n.State;

        var outcome = ScalingPipeline.Decide(input, nodeStates, workload.Override);
        LastHpaResults[workload] = outcome.Hpa;
        LastThermalOutcomes[workload] = outcome.Thermal;
        _history[workload] = outcome.HistoryAfter;
        return outcome.Decision;
    }
}
