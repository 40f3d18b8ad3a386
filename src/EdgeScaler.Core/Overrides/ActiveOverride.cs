namespace EdgeScaler.Core.Overrides;

/// <summary>
/// An override in force: pin the target at <see cref="Replicas"/> until <see cref="Until"/> (forever when null),
/// set at <see cref="SetAt"/> by <see cref="Source"/>. <see cref="Force"/> lets it leave [minReplicas, maxReplicas].
/// </summary>
public sealed record ActiveOverride(int Replicas, DateTimeOffset? Until, OverrideSource Source, DateTimeOffset SetAt, bool Force = false, string? By = null)
{
    /// <summary>Expiry is automatic: at or after <see cref="Until"/> the override no longer applies.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => Until is { } until && now >= until;

    public static string SourceToWire(OverrideSource source) => source switch
    {
        OverrideSource.Mqtt => "mqtt",
        OverrideSource.Panel => "panel",
        _ => "cli",
    };

    public static bool TryParseSource(string text, out OverrideSource source)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "cli": source = OverrideSource.Cli; return true;
            case "mqtt": source = OverrideSource.Mqtt; return true;
            case "panel": source = OverrideSource.Panel; return true;
            default: source = OverrideSource.Cli; return false;
        }
    }
}
