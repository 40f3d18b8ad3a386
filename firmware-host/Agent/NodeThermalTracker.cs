namespace EdgeScaler.Host.Agent;

using EdgeScaler.Core.Thermal;
using EdgeScaler.Node;
using EdgeScaler.Scaler;

/// <summary>
/// This node's thermal state: every sample goes through the board's <see cref="NodeThermalClassifier"/> (smoothing,
/// hysteresis, firmware flags), so telemetry, the panel and the thermal policy all see the same state. As an
/// <see cref="IClusterThermal"/> it answers for this node plus whatever <see cref="IPeerThermalSource"/> knows.
/// </summary>
public sealed class NodeThermalTracker : IClusterThermal
{
    private readonly NodeThermalClassifier _classifier;
    private readonly IPeerThermalSource? _peers;
    private readonly object _lock = new();
    private volatile NodeThermal? _current;

    public NodeThermalTracker(string nodeName, ThermalLimits limits, IPeerThermalSource? peers = null)
    {
        NodeName = nodeName;
        _classifier = new NodeThermalClassifier(limits);
        _peers = peers;
    }

    public string NodeName { get; }

    /// <summary>The latest classified reading of this node; null before the first sample.</summary>
    public NodeThermal? Current => _current;

    public ThermalState State => _current?.State ?? ThermalState.Unknown;

    /// <summary>Raised after each sample is classified; handlers must be quick.</summary>
    public event Action<NodeThermal>? Updated;

    public NodeThermal Observe(NodeSample sample)
    {
        NodeThermal thermal;
        lock (_lock)
        {
            var state = _classifier.Update(sample.Thermal.HottestCelsius, sample.Thermal.Flags, sample.Timestamp);
            thermal = ToNodeThermal(NodeName, sample, state);
            _current = thermal;
        }
        Updated?.Invoke(thermal);
        return thermal;
    }

    public IReadOnlyDictionary<string, ThermalState> NodeStates()
    {
        var states = new Dictionary<string, ThermalState>(StringComparer.Ordinal);
        if (_peers is not null)
            foreach (var (node, state) in _peers.PeerStates())
                if (node != NodeName) states[node] = state; // only our own reading speaks for this node
        if (_current is { } own) states[NodeName] = own.State;
        return states;
    }

    public static NodeThermal ToNodeThermal(string nodeName, NodeSample s, ThermalState state)
    {
        var zones = new List<ZoneTemperature>(s.Thermal.Zones.Count);
        foreach (var z in s.Thermal.Zones)
            if (z.Celsius is { } c) zones.Add(new ZoneTemperature(z.Type, c));
        var policy0 = s.Thermal.CpuFreq.Count > 0 ? s.Thermal.CpuFreq[0] : null;
        return new NodeThermal(nodeName, s.Timestamp, zones, s.Thermal.HottestCelsius, s.Thermal.Flags,
            policy0?.CurrentKHz, policy0?.MaxKHz, state);
    }
}

/// <summary>Thermal states other agents reported for their nodes (through the peer samples).</summary>
public interface IPeerThermalSource
{
    IEnumerable<KeyValuePair<string, ThermalState>> PeerStates();
}
