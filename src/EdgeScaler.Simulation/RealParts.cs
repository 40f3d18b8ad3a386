namespace EdgeScaler.Simulation;

using EdgeScaler.Simulation.Engine;

/// <summary>The parts `edgescaler simulate` runs: the real HPA reconcile + thermal policy and the real node classifier.</summary>
public static class RealParts
{
    public static SimulationParts Create() => new(_ => new RealScalerBridge(), _ => new ProfileClassifier());
}
