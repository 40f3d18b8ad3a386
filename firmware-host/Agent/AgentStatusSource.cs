namespace EdgeScaler.Host.Agent;

using EdgeScaler.Core.Agent;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Scaler;
using Microsoft.Extensions.Hosting;

/// <summary>
/// The agent's status for the panel's LEDs: recomputed twice a second from the Scaler (API health, lease,
/// decisions) and the thermal view by <see cref="AgentStatusRules"/>, so readers only read a field.
/// </summary>
public sealed class AgentStatusSource(ScalerRuntime scaler, IClusterThermal thermal, TimeProvider time)
    : BackgroundService, IAgentStatusSource, IAlarmAcknowledger
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);
    private readonly object _lock = new();
    private volatile AgentStatus _current = AgentStatus.Starting;
    private DateTimeOffset? _alarmRaisedAt, _acknowledgedAt;
    private ThermalState _worst = ThermalState.Unknown;

    public AgentStatus Current => _current;

    public ValueTask AcknowledgeAsync(string acknowledgedBy, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock) _acknowledgedAt = now;
        Refresh();
        return ValueTask.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        do Refresh();
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Recomputes <see cref="Current"/> now (the loop does this every 500 ms).</summary>
    public void Refresh()
    {
        var now = time.GetUtcNow();
        var states = thermal.NodeStates().Values;
        var observation = new AgentObservation(
            ApiReachable: scaler.Health?.Reachable ?? false,
            IsLeader: scaler.Elector?.HoldsLease ?? false,
            LeaseHolder: scaler.Elector?.ObservedHolder,
            ThermalStates: [.. states],
            Decisions: scaler.Controller?.Decisions ?? [],
            Now: now);
        lock (_lock)
        {
            var worst = ThermalState.Unknown;
            foreach (var s in states) if (s > worst) worst = s;
            _alarmRaisedAt = AgentStatusRules.RaiseAlarm(_alarmRaisedAt, _worst, worst, now);
            _worst = worst;
            _current = AgentStatusRules.Next(observation, _alarmRaisedAt, _acknowledgedAt);
        }
    }
}
