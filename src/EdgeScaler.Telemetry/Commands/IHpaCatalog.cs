namespace EdgeScaler.Telemetry.Commands;

using EdgeScaler.Core.Scaling;

/// <summary>An HPA's replica bounds as its spec says (minReplicas defaults to 1 upstream).</summary>
public readonly record struct HpaBounds(int MinReplicas, int MaxReplicas);

/// <summary>
/// The HPAs the Scaler knows, so a command for an unknown HPA is rejected before it reaches the override path.
/// The controller (real cluster) and the simulation each implement it.
/// </summary>
public interface IHpaCatalog
{
    bool TryGetBounds(HpaRef hpa, out HpaBounds bounds);
}
