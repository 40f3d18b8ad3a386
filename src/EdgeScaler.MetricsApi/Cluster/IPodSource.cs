namespace EdgeScaler.MetricsApi.Cluster;

/// <summary>A change to one pod, from a watch.</summary>
public enum PodEventType { Added, Modified, Deleted, Bookmark }

public readonly record struct PodEvent(PodEventType Type, PodIdentity? Pod, string? ResourceVersion);

/// <summary>The resourceVersion asked for is too old (410 Gone): list again.</summary>
public sealed class ResourceVersionExpiredException(string message) : Exception(message);

/// <summary>The pods on one node, from the Kubernetes API: a list, then a watch from the list's resourceVersion.</summary>
public interface IPodSource
{
    Task<(IReadOnlyList<PodIdentity> Pods, string ResourceVersion)> ListAsync(string nodeName, CancellationToken cancellationToken);

    /// <exception cref="ResourceVersionExpiredException">The resourceVersion is gone from the API's history.</exception>
    IAsyncEnumerable<PodEvent> WatchAsync(string nodeName, string resourceVersion, CancellationToken cancellationToken);

    /// <summary>The Node object's labels (served on NodeMetrics), or empty when it cannot be read.</summary>
    Task<IReadOnlyDictionary<string, string>> NodeLabelsAsync(string nodeName, CancellationToken cancellationToken);
}
