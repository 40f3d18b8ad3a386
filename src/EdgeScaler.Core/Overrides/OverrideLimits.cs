namespace EdgeScaler.Core.Overrides;

/// <summary>Sanity bounds for override values from any channel: anything outside is rejected, never clamped silently.</summary>
public static class OverrideLimits
{
    /// <summary>More replicas than any ARM cluster can run is a typo, not a wish.</summary>
    public const int MaxReplicas = 10_000;

    /// <summary>The longest pin a duration may ask for.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(30);

    public static string? ValidateReplicas(long replicas) =>
        replicas < 0 ? $"replicas must not be negative (got {replicas})"
        : replicas > MaxReplicas ? $"replicas {replicas} is more than the {MaxReplicas} an override may ask for"
        : null;

    public static string? ValidateDuration(TimeSpan duration) =>
        duration <= TimeSpan.Zero ? $"duration must be positive (got {duration})"
        : duration > MaxDuration ? $"duration {duration} is longer than the {MaxDuration.TotalDays:0} days an override may last"
        : null;
}
