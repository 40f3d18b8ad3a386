namespace EdgeScaler.Core.Metrics;

/// <summary>
/// The cluster view: the newest usage the agent knows for every node and pod (its own and its peers').
/// The metrics API and the Scaler read through this and know nothing about how numbers were collected
/// (metrics-server's scraper → storage → API split).
/// </summary>
public interface IClusterMetrics
{
    /// <summary>True once there are two samples to compute rates from (readiness).</summary>
    bool HasRates { get; }

    /// <summary>A snapshot: the list returned is never changed afterwards (a newer view is a new list).</summary>
    IReadOnlyList<NodeUsage> Nodes();

    /// <summary>
    /// A snapshot: the list returned is never changed afterwards (a newer view is a new list), so readers may keep
    /// what they derived from it while the same list comes back (the Scaler's per-pass index does).
    /// </summary>
    IReadOnlyList<PodUsage> Pods();
}
