namespace EdgeScaler.Core.Agent;

/// <summary>The agent's latest <see cref="AgentStatus"/>; read by the panel's LED loop, so reading must be cheap and non-blocking.</summary>
public interface IAgentStatusSource
{
    AgentStatus Current { get; }
}

/// <summary>Acknowledges the agent's current alarm (clears <see cref="AgentStatus.AlarmUnacknowledged"/>).</summary>
public interface IAlarmAcknowledger
{
    ValueTask AcknowledgeAsync(string acknowledgedBy, DateTimeOffset now, CancellationToken cancellationToken = default);
}
