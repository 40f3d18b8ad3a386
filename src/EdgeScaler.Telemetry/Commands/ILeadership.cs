namespace EdgeScaler.Telemetry.Commands;

/// <summary>Whether this agent holds the Scaler lease; only the leader applies commands.</summary>
public interface ILeadership
{
    bool IsLeader { get; }
}

/// <summary>Adapts a plain delegate (e.g. the controller's lease state) to <see cref="ILeadership"/>.</summary>
public sealed class DelegateLeadership(Func<bool> isLeader) : ILeadership
{
    public static readonly ILeadership Always = new DelegateLeadership(static () => true);

    public bool IsLeader => isLeader();
}
