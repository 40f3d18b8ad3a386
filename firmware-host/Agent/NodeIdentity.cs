namespace EdgeScaler.Host.Agent;

/// <summary>This node's name: NODE_NAME (the downward API in a pod, or the unit's Environment=), else the host name.</summary>
public static class NodeIdentity
{
    public static string Name() =>
        Environment.GetEnvironmentVariable("NODE_NAME") is { Length: > 0 } n ? n : Environment.MachineName.ToLowerInvariant();
}
