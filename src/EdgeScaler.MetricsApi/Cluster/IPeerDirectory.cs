namespace EdgeScaler.MetricsApi.Cluster;

/// <summary>Where the other agents are (base URLs of their metrics API).</summary>
public interface IPeerDirectory
{
    Task<IReadOnlyList<string>> PeersAsync(CancellationToken cancellationToken);
}

/// <summary>Peers listed in the config.</summary>
public sealed class StaticPeerDirectory(IEnumerable<string> peers) : IPeerDirectory
{
    private readonly IReadOnlyList<string> _peers = peers.Select(p => p.TrimEnd('/')).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    public Task<IReadOnlyList<string>> PeersAsync(CancellationToken cancellationToken) => Task.FromResult(_peers);
}

/// <summary>Peers found through the Kubernetes API: the other agents' pods (DaemonSet) by label selector.</summary>
public sealed class KubernetesPeerDirectory(KubernetesPodSource source, string @namespace, string labelSelector, int port, string ownNodeName) : IPeerDirectory
{
    public async Task<IReadOnlyList<string>> PeersAsync(CancellationToken cancellationToken)
    {
        var pods = await source.ListPodAddressesAsync(@namespace, labelSelector, cancellationToken);
        return pods.Where(p => p.NodeName != ownNodeName)
            .Select(p => p.PodIp.Contains(':') ? $"https://[{p.PodIp}]:{port}" : $"https://{p.PodIp}:{port}")
            .Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal).ToList();
    }
}

/// <summary>Config peers plus discovered ones.</summary>
public sealed class CombinedPeerDirectory(params IPeerDirectory[] directories) : IPeerDirectory
{
    public async Task<IReadOnlyList<string>> PeersAsync(CancellationToken cancellationToken)
    {
        var all = new List<string>();
        foreach (var d in directories) all.AddRange(await d.PeersAsync(cancellationToken));
        return all.Distinct(StringComparer.Ordinal).ToList();
    }
}
