namespace EdgeScaler.Scaler;

using EdgeScaler.Core.Thermal;

/// <summary>
/// The thermal state of every node the agent knows (its own and its peers'), for the thermal policy.
/// Nodes missing from the map have no known state, which never blocks scaling.
/// </summary>
public interface IClusterThermal
{
    IReadOnlyDictionary<string, ThermalState> NodeStates();
}

/// <summary>No thermal information: the policy never intervenes.</summary>
public sealed class NoClusterThermal : IClusterThermal
{
    public static readonly NoClusterThermal Instance = new();
    private static readonly IReadOnlyDictionary<string, ThermalState> None = new Dictionary<string, ThermalState>();
    public IReadOnlyDictionary<string, ThermalState> NodeStates() => None;
}
