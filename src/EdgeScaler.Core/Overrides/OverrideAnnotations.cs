namespace EdgeScaler.Core.Overrides;

using System.Globalization;

/// <summary>
/// The override as stored on the HPA, visible cluster-wide: <c>edgescaler.io/override-replicas</c> (required),
/// <c>-until</c> (RFC 3339, optional), <c>-source</c> (cli|mqtt|panel), <c>-set-at</c> (RFC 3339), <c>-force</c>
/// ("true"), <c>-by</c> (free text). Parse validates every field; Format produces the annotation changes
/// (a null value removes the annotation), so a release removes them all.
/// </summary>
public static class OverrideAnnotations
{
    public const string Prefix = "edgescaler.io/override-";
    public const string Replicas = Prefix + "replicas";
    public const string Until = Prefix + "until";
    public const string Source = Prefix + "source";
    public const string SetAt = Prefix + "set-at";
    public const string Force = Prefix + "force";
    public const string By = Prefix + "by";

    public static readonly IReadOnlyList<string> All = [Replicas, Until, Source, SetAt, Force, By];

    /// <summary>
    /// Reads the override from an HPA's annotations. No <c>override-replicas</c> means no override (other leftover keys
    /// are ignored). A bad value gives null and an <paramref name="error"/> naming the annotation; the HPA then
    /// scales automatically rather than on a guess.
    /// </summary>
    public static ActiveOverride? Parse(IReadOnlyDictionary<string, string> annotations, out string? error)
    {
        error = null;
        if (!annotations.TryGetValue(Replicas, out var replicasText)) return null;
        if (!long.TryParse(replicasText.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var replicas))
        {
            error = $"annotation {Replicas}=\"{replicasText}\" is not a whole number";
            return null;
        }
        if (OverrideLimits.ValidateReplicas(replicas) is { } replicasError)
        {
            error = $"annotation {Replicas}: {replicasError}";
            return null;
        }
        DateTimeOffset? until = null;
        if (annotations.TryGetValue(Until, out var untilText) && untilText.Length > 0)
        {
            if (!TryParseTime(untilText, out var u)) { error = $"annotation {Until}=\"{untilText}\" is not an RFC 3339 time"; return null; }
            until = u;
        }
        var source = OverrideSource.Cli;
        if (annotations.TryGetValue(Source, out var sourceText) && !ActiveOverride.TryParseSource(sourceText, out source))
        {
            error = $"annotation {Source}=\"{sourceText}\" is not one of cli, mqtt, panel";
            return null;
        }
        var setAt = DateTimeOffset.MinValue;
        if (annotations.TryGetValue(SetAt, out var setAtText) && setAtText.Length > 0)
        {
            if (!TryParseTime(setAtText, out setAt)) { error = $"annotation {SetAt}=\"{setAtText}\" is not an RFC 3339 time"; return null; }
        }
        var force = false;
        if (annotations.TryGetValue(Force, out var forceText) && !bool.TryParse(forceText.Trim(), out force))
        {
            error = $"annotation {Force}=\"{forceText}\" is not true or false";
            return null;
        }
        annotations.TryGetValue(By, out var by);
        return new ActiveOverride((int)replicas, until, source, setAt, force, string.IsNullOrEmpty(by) ? null : by);
    }

    /// <summary>The annotation changes that store <paramref name="active"/> (or, for null, remove every override key).</summary>
    public static Dictionary<string, string?> Format(ActiveOverride? active)
    {
        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var key in All) changes[key] = null;
        if (active is null) return changes;
        changes[Replicas] = active.Replicas.ToString(CultureInfo.InvariantCulture);
        changes[Until] = active.Until is { } u ? FormatTime(u) : null;
        changes[Source] = ActiveOverride.SourceToWire(active.Source);
        changes[SetAt] = FormatTime(active.SetAt);
        changes[Force] = active.Force ? "true" : null;
        changes[By] = active.By;
        return changes;
    }

    public static string FormatTime(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static bool TryParseTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out time)
        && text.Contains('T', StringComparison.OrdinalIgnoreCase);
}
