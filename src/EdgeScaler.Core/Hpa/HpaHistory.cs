namespace EdgeScaler.Core.Hpa;

/// <summary>One recommendation the controller remembers (for the stabilization windows).</summary>
public readonly record struct TimestampedRecommendation(int Replicas, DateTimeOffset Timestamp);

/// <summary>One rescale the controller remembers (for the behavior policies' periods); the change is always positive.</summary>
public readonly record struct ScaleEvent(int ReplicaChange, DateTimeOffset Timestamp);

/// <summary>
/// The controller's memory for one HPA. Upstream keeps this in process memory; we keep it as data so it can be
/// persisted across leader changes and fed to `explain`. Immutable: every decision returns the history after it.
/// </summary>
public sealed record HpaHistory(
    IReadOnlyList<TimestampedRecommendation> Recommendations,
    IReadOnlyList<ScaleEvent> ScaleUpEvents,
    IReadOnlyList<ScaleEvent> ScaleDownEvents)
{
    public static readonly HpaHistory Empty = new([], [], []);

    public bool IsEmpty => Recommendations.Count == 0 && ScaleUpEvents.Count == 0 && ScaleDownEvents.Count == 0;
}
