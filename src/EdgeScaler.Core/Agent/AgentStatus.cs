namespace EdgeScaler.Core.Agent;

using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;

/// <summary>
/// A snapshot of what the agent is doing, for the panel's LEDs and for status telemetry.
/// Pure data: the panel's LED patterns are a function of this record.
/// </summary>
public sealed record AgentStatus(
    bool ApiReachable,
    bool IsLeader,
    ThermalState WorstThermalState,
    bool AnyOverrideActive,
    bool ScalingInProgress,
    bool AlarmUnacknowledged,
    IReadOnlyList<ScaleDecision> Decisions)
{
    public static readonly AgentStatus Starting = new(false, false, ThermalState.Unknown, false, false, false, []);
}
