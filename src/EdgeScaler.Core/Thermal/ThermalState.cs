namespace EdgeScaler.Core.Thermal;

/// <summary>A node's thermal state, ordered from best to worst so states compare with &lt; and &gt;.</summary>
public enum ThermalState
{
    Unknown = 0,
    Cool = 1,
    Warm = 2,
    Hot = 3,
    Critical = 4,
}

public static class ThermalStateNames
{
    public static string ToWire(this ThermalState s) => s switch
    {
        ThermalState.Cool => "cool",
        ThermalState.Warm => "warm",
        ThermalState.Hot => "hot",
        ThermalState.Critical => "critical",
        _ => "unknown",
    };

    /// <summary>Reads a wire name back; anything else (a newer peer's state we do not know) is Unknown.</summary>
    public static ThermalState FromWire(string? s) => s switch
    {
        "cool" => ThermalState.Cool,
        "warm" => ThermalState.Warm,
        "hot" => ThermalState.Hot,
        "critical" => ThermalState.Critical,
        _ => ThermalState.Unknown,
    };
}
