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
    /// <summary>
    /// True when the cluster has no leader at all (the Lease is unheld or expired), as opposed to this node simply
    /// being a follower. Defaults to false so producers that do not know stay quiet.
    /// </summary>
    public bool LeaderMissing { get; init; }

    public static readonly AgentStatus Starting = new(false, false, ThermalState.Unknown, false, false, false, []);
}
