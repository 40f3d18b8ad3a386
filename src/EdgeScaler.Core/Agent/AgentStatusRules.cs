namespace EdgeScaler.Core.Agent;

using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;

/// <summary>What the agent's parts report at one instant; <see cref="AgentStatusRules.Next"/> turns it into an <see cref="AgentStatus"/>.</summary>
/// <param name="ApiReachable">The Kubernetes API answered lately (false when there is no API client at all).</param>
/// <param name="IsLeader">This agent holds the Scaler lease.</param>
/// <param name="LeaseHolder">Who holds it as last observed (null: nobody, or never read).</param>
/// <param name="ThermalStates">Every node state the agent knows (its own and its peers').</param>
/// <param name="Decisions">The newest decision per HPA.</param>
public sealed record AgentObservation(
    bool ApiReachable,
    bool IsLeader,
    string? LeaseHolder,
    IReadOnlyCollection<ThermalState> ThermalStates,
    IReadOnlyList<ScaleDecision> Decisions,
    DateTimeOffset Now);

/// <summary>Pure rules from observations to the status the panel and telemetry show.</summary>
public static class AgentStatusRules
{
    /// <summary>A rescale counts as "in progress" this long after its decision (about one sync period and the pods' start).</summary>
    public static readonly TimeSpan ScalingShownFor = TimeSpan.FromSeconds(30);

    /// <param name="previous">The status before (for the alarm latch).</param>
    /// <param name="acknowledgedAt">When the alarm was last acknowledged (null: never).</param>
    /// <param name="alarmRaisedAt">When heat last reached <see cref="ThermalState.Hot"/> (null: never).</param>
    public static AgentStatus Next(AgentObservation o, DateTimeOffset? alarmRaisedAt, DateTimeOffset? acknowledgedAt)
    {
        var worst = ThermalState.Unknown;
        foreach (var s in o.ThermalStates)
            if (s > worst) worst = s;
        var anyOverride = false;
        var scaling = false;
        foreach (var d in o.Decisions)
        {
            anyOverride |= d.Mode == ScaleMode.Override;
            scaling |= d.IsRescale && o.Now - d.Timestamp <= ScalingShownFor;
        }
        // An alarm is heat that nobody has acknowledged since it began; it outlives the heat so a person sees it happened.
        var alarm = alarmRaisedAt is { } raised && (acknowledgedAt is not { } ack || ack < raised);
        return new AgentStatus(o.ApiReachable, o.IsLeader, worst, anyOverride, scaling, alarm, o.Decisions)
        {
            // Followers with a live holder are fine; only an API we reach with nobody holding the lease is "no leader".
            LeaderMissing = o.ApiReachable && !o.IsLeader && o.LeaseHolder is null,
        };
    }

    /// <summary>The alarm's start moves to <paramref name="now"/> each time heat reaches Hot from below.</summary>
    public static DateTimeOffset? RaiseAlarm(DateTimeOffset? raisedAt, ThermalState before, ThermalState now, DateTimeOffset at) =>
        now >= ThermalState.Hot && before < ThermalState.Hot ? at : raisedAt;
}
