namespace EdgeScaler.Simulation.Engine;

using EdgeScaler.Core.Thermal;
using EdgeScaler.Node.Boards;

/// <summary>
/// The real node classifier (<see cref="NodeThermalClassifier"/>: smoothing, hysteresis, firmware flags) with each
/// node's limits from its board profile in boards/&lt;id&gt;/profile.json — exactly what an agent on that board runs.
/// </summary>
public sealed class ProfileClassifier : INodeStateClassifier
{
    private readonly Dictionary<SimNode, NodeThermalClassifier> _byNode = [];
    private readonly BoardCatalog _profiles;

    public ProfileClassifier(BoardCatalog? profiles = null) => _profiles = profiles ?? BoardCatalog.BuiltIn;

    public ThermalState Classify(SimNode node, DateTimeOffset now) =>
        For(node).Update(node.Celsius, node.Flags, now);

    public double HotLimitCelsius(SimNode node) => For(node).Limits.HotCelsius;

    private NodeThermalClassifier For(SimNode node)
    {
        if (!_byNode.TryGetValue(node, out var c))
        {
            var profile = _profiles.Find(node.Board.BoardId)
                ?? throw new InvalidOperationException($"no board profile '{node.Board.BoardId}' in boards/ for simulated node {node.Name}");
            _byNode[node] = c = new NodeThermalClassifier(profile.Limits);
        }
        return c;
    }
}
