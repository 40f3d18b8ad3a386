namespace EdgeScaler.Simulation.Engine;

using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;

/// <summary>
/// Turns a node's temperature and flags into cool/warm/hot/critical. The simulation plugs in the same classifier a
/// real node runs (hysteresis, board-profile limits); one instance per node because it keeps state.
/// </summary>
public interface INodeStateClassifier
{
    ThermalState Classify(SimNode node, DateTimeOffset now);

    /// <summary>The temperature at which this node counts as hot (drawn on the plot, counted in the summary).</summary>
    double HotLimitCelsius(SimNode node);
}

/// <summary>
/// One HPA reconcile for one workload: what the real Scaler decides from the simulated cluster's pods, metrics and
/// node thermal states. The simulation applies <see cref="ScaleDecision.DesiredReplicas"/> to the workload.
/// </summary>
public interface IScalerBridge
{
    ScaleDecision Reconcile(SimWorkload workload, SimulatedCluster cluster, DateTimeOffset now);
}

/// <summary>Things that watch the simulation tick by tick (panel, telemetry, live view).</summary>
public interface ISimulationObserver
{
    void OnTick(SimulatedCluster cluster, TickRecord tick);
}
