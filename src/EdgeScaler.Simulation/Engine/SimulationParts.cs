namespace EdgeScaler.Simulation.Engine;

using EdgeScaler.Simulation.Scenarios;

/// <summary>
/// The real EdgeScaler pieces a simulation drives, made fresh for each run (they keep state: HPA recommendation
/// history, classifier hysteresis). Tests may swap them; `edgescaler simulate` always uses <see cref="Real"/>.
/// </summary>
public sealed record SimulationParts(
    Func<Scenario, IScalerBridge> Scaler,
    Func<Scenario, INodeStateClassifier> Classifier);
