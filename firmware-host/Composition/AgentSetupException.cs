namespace EdgeScaler.Host.Composition;

/// <summary>Thrown while composing the agent for a setting that cannot work here (e.g. a host root that does not exist): exit 2.</summary>
public sealed class AgentSetupException(string message) : Exception(message);
