namespace EdgeScaler.Core.Overrides;

/// <summary>
/// The override model, pure: applying a request to the override in force, choosing between conflicting
/// overrides (newest wins), and what an override does to the replica count.
/// </summary>
public static class OverrideBook
{
    /// <summary>The result of submitting a request: the override in force afterwards, the answer, and a conflict note to log.</summary>
    public sealed record Change(ActiveOverride? Next, OverrideResult Result, string? Conflict);

    /// <summary>
    /// Validates and applies <paramref name="request"/>. A request older than the override in force loses (newest wins);
    /// a pin replaces any older override; auto releases. <see cref="OverrideResult.EffectiveReplicas"/> is the pin after
    /// clamping to [min, max] (unless forced).
    /// </summary>
    public static Change Apply(ActiveOverride? current, OverrideRequest request, int minReplicas, int maxReplicas)
    {
        if (current is not null && request.RequestedAt < current.SetAt)
        {
            var note = $"{request.Hpa}: override from {ActiveOverride.SourceToWire(request.Source)} at {OverrideAnnotations.FormatTime(request.RequestedAt)} " +
                       $"is older than the one in force from {ActiveOverride.SourceToWire(current.Source)} at {OverrideAnnotations.FormatTime(current.SetAt)}; newest wins";
            return new Change(current, OverrideResult.Rejected("a newer override is in force"), note);
        }
        if (request.Release)
        {
            var released = current is null ? "no override was active" : "override released; the HPA decides again";
            return new Change(null, new OverrideResult(true, released, null, null), null);
        }
        if (request.Replicas is not { } replicas) return new Change(current, OverrideResult.Rejected("a pin needs a replica count"), null);
        if (OverrideLimits.ValidateReplicas(replicas) is { } replicasError) return new Change(current, OverrideResult.Rejected(replicasError), null);
        DateTimeOffset? until = null;
        if (request.Duration is { } d)
        {
            if (OverrideLimits.ValidateDuration(d) is { } durationError) return new Change(current, OverrideResult.Rejected(durationError), null);
            until = request.RequestedAt + d;
        }
        var next = new ActiveOverride(replicas, until, request.Source, request.RequestedAt, request.Force, request.RequestedBy);
        var effective = Clamp(next, minReplicas, maxReplicas);
        var reason = effective == replicas ? $"pinned at {replicas}" : $"pinned at {effective} ({replicas} clamped to [{minReplicas}, {maxReplicas}]; use force to go outside)";
        string? conflict = current is not null && current.Source != request.Source && !current.IsExpiredAt(request.RequestedAt)
            ? $"{request.Hpa}: override from {ActiveOverride.SourceToWire(request.Source)} replaces the one from {ActiveOverride.SourceToWire(current.Source)} (newest wins)"
            : null;
        return new Change(next, new OverrideResult(true, reason, effective, until), conflict);
    }

    /// <summary>The newest of several candidate overrides (e.g. the HPA's annotation and the local journal); null when none.</summary>
    public static ActiveOverride? Newest(params ActiveOverride?[] candidates)
    {
        ActiveOverride? best = null;
        foreach (var c in candidates)
            if (c is not null && (best is null || c.SetAt > best.SetAt)) best = c;
        return best;
    }

    /// <summary>The pinned count after [min, max] clamping (a forced override keeps its number).</summary>
    public static int Clamp(ActiveOverride o, int minReplicas, int maxReplicas) =>
        o.Force ? o.Replicas : Math.Clamp(o.Replicas, minReplicas, Math.Max(minReplicas, maxReplicas));
}

/// <summary>What an override did to a decision: the pin, the count it allowed, and why.</summary>
public sealed record OverrideOutcome(ActiveOverride Override, int Pinned, int Allowed, bool BlockedByCritical, string Reason);

/// <summary>Applies an override in force to a decision.</summary>
public static class OverridePolicy
{
    /// <summary>
    /// Null when there is no override or it has expired (then the HPA's answer stands). Otherwise the pin, clamped
    /// unless forced; a critical hosting node still blocks any scale-up above <paramref name="current"/>.
    /// </summary>
    public static OverrideOutcome? Apply(ActiveOverride? active, int current, int minReplicas, int maxReplicas, bool anyCriticalNode, DateTimeOffset now)
    {
        if (active is null || active.IsExpiredAt(now)) return null;
        var pinned = OverrideBook.Clamp(active, minReplicas, maxReplicas);
        var allowed = pinned;
        var blocked = false;
        if (anyCriticalNode && pinned > current) { allowed = current; blocked = true; }
        var source = ActiveOverride.SourceToWire(active.Source);
        var until = active.Until is { } u ? $" until {OverrideAnnotations.FormatTime(u)}" : "";
        var reason = blocked
            ? $"override from {source} pins {pinned}{until}, but a critical node blocks scale-up: holding at {current}"
            : pinned != active.Replicas
                ? $"override from {source} pins {active.Replicas}{until}, clamped to {pinned}"
                : $"override from {source} pins {pinned}{until}";
        return new OverrideOutcome(active, pinned, allowed, blocked, reason);
    }
}
