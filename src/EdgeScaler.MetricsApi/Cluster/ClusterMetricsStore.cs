namespace EdgeScaler.MetricsApi.Cluster;

using System.Collections.Concurrent;
using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Thermal;

/// <summary>
/// The cluster view (metrics-server's storage): this agent's own usage plus the latest from each peer, merged into
/// one immutable snapshot that readers get without locks or copies. A peer's data is dropped once it is older than
/// <see cref="PeerStaleAfter"/> and reappears with its next answer. Readers never wait for peers.
/// </summary>
public sealed class ClusterMetricsStore : IClusterMetrics
{
    private sealed record Snapshot(IReadOnlyList<NodeUsage> Nodes, IReadOnlyList<PodUsage> Pods, DateTimeOffset ExpiresAt);

    private readonly record struct PeerEntry(LocalSamples Samples, DateTimeOffset ReceivedAt);

    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, PeerEntry> _peers = new(StringComparer.Ordinal);
    private readonly object _rebuildLock = new();
    private volatile Snapshot _snapshot = new([], [], DateTimeOffset.MaxValue);
    private volatile LocalSamples _local;
    private volatile byte[]? _localJson;
    private long _localUpdates;
    private volatile int _localThermal; // ThermalState, carried in every local-samples document

    public ClusterMetricsStore(string nodeName, TimeProvider? time = null, TimeSpan? peerStaleAfter = null)
    {
        NodeName = nodeName;
        _time = time ?? TimeProvider.System;
        PeerStaleAfter = peerStaleAfter ?? TimeSpan.FromSeconds(60);
        _local = new LocalSamples(nodeName, null, []);
    }

    public string NodeName { get; }

    public TimeSpan PeerStaleAfter { get; }

    /// <summary>How many times this agent's own samples were stored (exported as a counter).</summary>
    public long LocalUpdates => Interlocked.Read(ref _localUpdates);

    public bool HasRates
    {
        get { var s = Current(); return s.Nodes.Count > 0 || s.Pods.Count > 0; }
    }

    public IReadOnlyList<NodeUsage> Nodes() => Current().Nodes;

    public IReadOnlyList<PodUsage> Pods() => Current().Pods;

    /// <summary>This agent's own usage (from two samples); <paramref name="node"/> null while the node rate is not known.</summary>
    public void SetLocal(NodeUsage? node, IReadOnlyList<PodUsage> pods)
    {
        _local = new LocalSamples(NodeName, node, pods) { Thermal = (ThermalState)_localThermal };
        _localJson = null;
        Interlocked.Increment(ref _localUpdates);
        Rebuild();
    }

    public LocalSamples Local => _local;

    /// <summary>This node's thermal state, told to peers with its samples.</summary>
    public void SetLocalThermal(ThermalState state)
    {
        if (_localThermal == (int)state) return;
        _localThermal = (int)state;
        _local = _local with { Thermal = state };
        _localJson = null;
    }

    /// <summary>The thermal state each live peer reported for its node (stale peers are left out, as in answers).</summary>
    public IEnumerable<KeyValuePair<string, ThermalState>> PeerThermalStates()
    {
        var cutoff = _time.GetUtcNow() - PeerStaleAfter;
        foreach (var (_, entry) in _peers)
            if (entry.ReceivedAt > cutoff && entry.Samples.NodeName != NodeName && entry.Samples.Thermal != ThermalState.Unknown)
                yield return new(entry.Samples.NodeName, entry.Samples.Thermal);
    }

    /// <summary>
    /// Takes the node sampler's rates (pods by UID, containers by runtime ID) and names them through the pod
    /// inventory. Pods the inventory does not know yet (just started) are left out and trigger a relist; pods
    /// that are not Running or miss a container's rate are left out, never reported as zero.
    /// </summary>
    public void UpdateLocal(NodeRates rates, PodInventory? inventory)
    {
        var node = rates.NodeUsage is { } usage
            ? new NodeUsage(NodeName, rates.Timestamp, rates.Window, usage) { Labels = inventory?.NodeLabels ?? PodRef.EmptyLabels }
            : null;
        var pods = new List<PodUsage>(rates.Pods.Count);
        foreach (var p in rates.Pods)
        {
            if (inventory is null) break;
            if (!inventory.TryGet(p.Uid, out var identity)) { inventory.NoteUnknownPod(p.Uid); continue; }
            if (!identity.IsRunning) continue;
            if (p.ToPodUsage(identity.Ref, NodeName, rates.Timestamp, rates.Window, identity.Containers) is { } named) pods.Add(named);
        }
        SetLocal(node, pods);
    }

    /// <summary>This agent's own samples as peers read them (rendered once per update).</summary>
    public byte[] LocalSamplesJson() => _localJson ??= _local.ToJson();

    /// <summary>A peer answered: its samples replace what it said before.</summary>
    public void SetPeer(string peer, LocalSamples samples)
    {
        _peers[peer] = new PeerEntry(samples, _time.GetUtcNow());
        Rebuild();
    }

    /// <summary>Peers whose data is currently served, with the time of their last answer.</summary>
    public IReadOnlyList<(string Peer, string NodeName, DateTimeOffset ReceivedAt)> Peers() =>
        _peers.Select(p => (p.Key, p.Value.Samples.NodeName, p.Value.ReceivedAt)).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();

    private Snapshot Current()
    {
        var s = _snapshot;
        if (_time.GetUtcNow() < s.ExpiresAt) return s;
        return Rebuild();
    }

    private Snapshot Rebuild()
    {
        lock (_rebuildLock)
        {
            var now = _time.GetUtcNow();
            var nodes = new Dictionary<string, NodeUsage>(StringComparer.Ordinal);
            var pods = new Dictionary<(string, string), PodUsage>();
            var expires = DateTimeOffset.MaxValue;

            void Add(LocalSamples s)
            {
                // The same node or pod from two sources (a peer list that includes ourselves): the newer sample wins.
                if (s.Node is { } n && (!nodes.TryGetValue(n.NodeName, out var had) || had.Timestamp < n.Timestamp)) nodes[n.NodeName] = n;
                foreach (var p in s.Pods)
                {
                    var key = (p.Pod.Namespace, p.Pod.Name);
                    if (!pods.TryGetValue(key, out var old) || old.Timestamp < p.Timestamp) pods[key] = p;
                }
            }

            foreach (var (peer, entry) in _peers)
            {
                var staleAt = entry.ReceivedAt + PeerStaleAfter;
                if (staleAt <= now)
                {
                    _peers.TryRemove(new KeyValuePair<string, PeerEntry>(peer, entry));
                    continue;
                }
                if (staleAt < expires) expires = staleAt;
                if (entry.Samples.NodeName == NodeName) continue; // ourselves, via a peer list: local data is fresher
                Add(entry.Samples);
            }
            Add(_local);

            var snapshot = new Snapshot(
                nodes.Values.OrderBy(n => n.NodeName, StringComparer.Ordinal).ToList(),
                pods.Values.OrderBy(p => p.Pod.Namespace, StringComparer.Ordinal).ThenBy(p => p.Pod.Name, StringComparer.Ordinal).ToList(),
                expires);
            _snapshot = snapshot;
            return snapshot;
        }
    }
}
