namespace EdgeScaler.Host.Agent;

/// <summary>
/// One step of the agent's sampling loop: take a sample of this node and hand it on. The loop knows nothing
/// about cgroups or sensors; it paces this, reports its problems, and proves to systemd that it makes progress.
/// </summary>
public interface ISampleSource
{
    /// <summary>
    /// Takes one sample. Returns the problems met, each one self-contained line whose text stays the same while
    /// the problem does (so it is logged once, not every tick). Throwing means no sample was taken.
    /// </summary>
    IReadOnlyList<string> Take(DateTimeOffset now, CancellationToken cancellationToken);
}
