namespace EdgeScaler.Simulation.Tests;

using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Simulation.Engine;

/// <summary>
/// A fake Scaler for engine-physics tests only: it pins replicas to a script (no HPA math), so tests of the thermal and
/// queueing model do not depend on the algorithm. The simulation itself always runs the real Scaler (see RealScalerTests).
/// </summary>
internal sealed class ScriptedReplicas(Func<TimeSpan, int?> script) : IScalerBridge
{
    public int Calls { get; private set; }

    public ScaleDecision Reconcile(SimWorkload workload, SimulatedCluster cluster, DateTimeOffset now)
    {
        Calls++;
        var elapsed = now - workload.Pods.Min(p => p.Created);
        var want = script(elapsed) ?? workload.SpecReplicas;
        return new ScaleDecision(workload.Hpa, now, workload.SpecReplicas, want, want, ScaleMode.Override, "scripted");
    }
}

/// <summary>Fixed limits, no hysteresis: for engine tests that need a state but not the real classifier's behaviour.</summary>
internal sealed class FixedLimits(double warm = 70, double hot = 80) : INodeStateClassifier
{
    public ThermalState Classify(SimNode node, DateTimeOffset now) =>
        node.Celsius >= hot ? ThermalState.Hot : node.Celsius >= warm ? ThermalState.Warm : ThermalState.Cool;

    public double HotLimitCelsius(SimNode node) => hot;
}
