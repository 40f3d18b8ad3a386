namespace EdgeScaler.Scaler;

using EdgeScaler.Core.Thermal;

/// <summary>
/// The thermal state of every node the agent knows (its own and its peers'), for the thermal policy.
/// Unknown nodes report <see cref="ThermalState.Unknown"/>, which never blocks scaling.
/// </summary>
public interface IClusterThermal
{
    ThermalState StateOf(string nodeName);
}

/// <summary>No thermal information: every node is Unknown (the policy then never intervenes).</summary>
public sealed class NoClusterThermal : IClusterThermal
{
    public static readonly NoClusterThermal Instance = new();
    public ThermalState StateOf(string nodeName) => ThermalState.Unknown;
}
