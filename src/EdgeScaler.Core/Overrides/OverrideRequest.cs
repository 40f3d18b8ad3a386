namespace EdgeScaler.Core.Overrides;

using EdgeScaler.Core.Scaling;

/// <summary>Where an override came from.</summary>
public enum OverrideSource { Cli, Mqtt, Panel }

/// <summary>
/// A request to pin (or, with <see cref="Release"/>, to release) a target's replicas.
/// Every channel (panel button, MQTT command, CLI) builds one of these and hands it to <see cref="IOverrideSink"/>,
/// so validation, clamping and persistence happen in one place.
/// </summary>
public sealed record OverrideRequest(
    HpaRef Hpa,
    int? Replicas,
    TimeSpan? Duration,
    bool Force,
    bool Release,
    OverrideSource Source,
    DateTimeOffset RequestedAt,
    string? RequestedBy = null)
{
    public static OverrideRequest Pin(HpaRef hpa, int replicas, TimeSpan? duration, bool force, OverrideSource source, DateTimeOffset now, string? by = null)
        => new(hpa, replicas, duration, force, false, source, now, by);

    public static OverrideRequest Auto(HpaRef hpa, OverrideSource source, DateTimeOffset now, string? by = null)
        => new(hpa, null, null, false, true, source, now, by);
}

/// <summary>The answer to an override request: accepted (with the override now in force, if any) or rejected with a reason.</summary>
public sealed record OverrideResult(bool Accepted, string Reason, int? EffectiveReplicas, DateTimeOffset? Until)
{
    public static OverrideResult Rejected(string reason) => new(false, reason, null, null);
}

/// <summary>The one path every override takes (panel, MQTT, CLI) into the Scaler.</summary>
public interface IOverrideSink
{
    ValueTask<OverrideResult> SubmitAsync(OverrideRequest request, CancellationToken cancellationToken = default);
}
