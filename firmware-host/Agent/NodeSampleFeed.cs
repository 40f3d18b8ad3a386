namespace EdgeScaler.Host.Agent;

using EdgeScaler.Node;

/// <summary>
/// The newest two samples of this node, for whatever turns them into rates and serves them (metrics API,
/// telemetry, scaler). Written by the sampling loop only; read from any thread.
/// </summary>
public sealed class NodeSampleFeed
{
    private volatile SamplePair _pair = new(null, null);

    /// <summary>The latest sample and the one before it (null until taken); a consistent pair.</summary>
    public SamplePair Current => _pair;

    /// <summary>Raised on the sampling loop after each new sample; handlers must be quick and must not throw.</summary>
    public event Action<SamplePair>? Sampled;

    public void Publish(NodeSample sample)
    {
        var pair = new SamplePair(_pair.Latest, sample);
        _pair = pair;
        Sampled?.Invoke(pair);
    }

    public sealed record SamplePair(NodeSample? Previous, NodeSample? Latest);
}
