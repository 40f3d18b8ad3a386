namespace EdgeScaler.Core.Hpa;

/// <summary>
/// Upstream's normalizeDesiredReplicas (no behavior: downscale stabilization + the max(2x,4) limit) and
/// normalizeDesiredReplicasWithBehaviors (stabilization windows per direction + Pods/Percent policies over
/// their periods, selectPolicy Max/Min/Disabled), with the conditions each sets.
/// </summary>
public static class Normalization
{
    public sealed record Result(
        int Stabilized,
        int Desired,
        HpaCondition AbleToScale,
        HpaCondition ScalingLimited,
        IReadOnlyList<TimestampedRecommendation> Recommendations);

    private static readonly HpaCondition ReadyForNewScale =
        new(HpaConditions.AbleToScale, ConditionStatus.True, HpaConditions.ReadyForNewScale, "recommended size matches current size");
    private const string DownStabilizedMessage = "recent recommendations were higher than current one, applying the highest recent recommendation";
    private const string UpStabilizedMessage = "recent recommendations were lower than current one, applying the lowest recent recommendation";
    private const string WithinRangeMessage = "the desired count is within the acceptable range";
    private const string TooManyMessage = "the desired replica count is more than the maximum replica count";
    private const string TooFewMessage = "the desired replica count is less than the minimum replica count";
    private const string UpLimitMessage = "the desired replica count is increasing faster than the maximum scale rate";
    private const string DownLimitMessage = "the desired replica count is decreasing faster than the maximum scale rate";

    // ---- legacy path ---------------------------------------------------------------------------------

    public static Result Legacy(int current, int prenormalized, int min, int max, TimeSpan downscaleWindow,
        IReadOnlyList<TimestampedRecommendation> recommendations, DateTimeOffset now)
    {
        var cutoff = now - downscaleWindow;
        var stabilized = prenormalized;
        var oldIndex = -1;
        for (var i = 0; i < recommendations.Count; i++)
        {
            var rec = recommendations[i];
            if (rec.Timestamp < cutoff) oldIndex = i;
            else if (rec.Replicas > stabilized) stabilized = rec.Replicas;
        }
        var after = Store(recommendations, oldIndex, new TimestampedRecommendation(prenormalized, now));

        var able = stabilized != prenormalized
            ? new HpaCondition(HpaConditions.AbleToScale, ConditionStatus.True, HpaConditions.ScaleDownStabilized, DownStabilizedMessage)
            : ReadyForNewScale;
        var (desired, reason, message) = ConvertWithRules(current, stabilized, min, max);
        var limited = new HpaCondition(HpaConditions.ScalingLimited, desired == stabilized ? ConditionStatus.False : ConditionStatus.True, reason, message);
        return new Result(stabilized, desired, able, limited, after);
    }

    /// <summary>calculateScaleUpLimit: int32(max(2.0*current, 4.0)).</summary>
    public static int LegacyScaleUpLimit(int current) => (int)Math.Max(2.0 * current, 4.0);

    public static (int Desired, string Reason, string Message) ConvertWithRules(int current, int desired, int min, int max)
    {
        var scaleUpLimit = LegacyScaleUpLimit(current);
        int maxAllowed;
        string reason, message;
        if (max > scaleUpLimit) { maxAllowed = scaleUpLimit; reason = HpaConditions.ScaleUpLimit; message = UpLimitMessage; }
        else { maxAllowed = max; reason = HpaConditions.TooManyReplicas; message = TooManyMessage; }
        if (desired < min) return (min, HpaConditions.TooFewReplicas, TooFewMessage);
        if (desired > maxAllowed) return (maxAllowed, reason, message);
        return (desired, HpaConditions.DesiredWithinRange, WithinRangeMessage);
    }

    // ---- behavior path -------------------------------------------------------------------------------

    /// <param name="behavior">Defaulted behavior (<see cref="HpaBehavior.WithDefaults"/>); a null scaleDown window takes <paramref name="downscaleWindow"/>.</param>
    public static Result WithBehavior(int current, int prenormalized, int min, int max, HpaBehavior behavior, TimeSpan downscaleWindow,
        HpaHistory history, DateTimeOffset now)
    {
        var up = behavior.ScaleUp!;
        var down = behavior.ScaleDown!;
        var upCutoff = now - TimeSpan.FromSeconds(up.StabilizationWindowSeconds ?? 0);
        var downCutoff = now - (down.StabilizationWindowSeconds is { } w ? TimeSpan.FromSeconds(w) : downscaleWindow);

        var upRec = prenormalized;
        var downRec = prenormalized;
        var oldIndex = -1;
        var recs = history.Recommendations;
        for (var i = 0; i < recs.Count; i++)
        {
            var rec = recs[i];
            if (rec.Timestamp > upCutoff) upRec = Math.Min(upRec, rec.Replicas);
            if (rec.Timestamp > downCutoff) downRec = Math.Max(downRec, rec.Replicas);
            if (rec.Timestamp < upCutoff && rec.Timestamp < downCutoff) oldIndex = i;
        }
        var stabilized = current;
        if (stabilized < upRec) stabilized = upRec;
        if (stabilized > downRec) stabilized = downRec;
        var after = Store(recs, oldIndex, new TimestampedRecommendation(prenormalized, now));

        HpaCondition able = stabilized == prenormalized ? ReadyForNewScale
            : prenormalized >= current
                ? new(HpaConditions.AbleToScale, ConditionStatus.True, HpaConditions.ScaleUpStabilized, UpStabilizedMessage)
                : new(HpaConditions.AbleToScale, ConditionStatus.True, HpaConditions.ScaleDownStabilized, DownStabilizedMessage);

        var (desired, reason, message) = ConvertWithBehaviorRate(current, stabilized, min, max, up, down, history, now);
        var limited = new HpaCondition(HpaConditions.ScalingLimited, desired == stabilized ? ConditionStatus.False : ConditionStatus.True, reason, message);
        return new Result(stabilized, desired, able, limited, after);
    }

    public static (int Desired, string Reason, string Message) ConvertWithBehaviorRate(int current, int desired, int min, int max,
        ScalingRules up, ScalingRules down, HpaHistory history, DateTimeOffset now)
    {
        if (desired > current)
        {
            var limit = ScaleUpLimit(current, history.ScaleUpEvents, history.ScaleDownEvents, up, now);
            if (limit < current) limit = current; // no further scale-up until events age out
            int maxAllowed = max;
            string reason = HpaConditions.TooManyReplicas, message = TooManyMessage;
            if (maxAllowed > limit) { maxAllowed = limit; reason = HpaConditions.ScaleUpLimit; message = UpLimitMessage; }
            if (desired > maxAllowed) return (maxAllowed, reason, message);
        }
        else if (desired < current)
        {
            var limit = ScaleDownLimit(current, history.ScaleUpEvents, history.ScaleDownEvents, down, now);
            if (limit > current) limit = current;
            int minAllowed = min;
            string reason = HpaConditions.TooFewReplicas, message = TooFewMessage;
            if (minAllowed < limit) { minAllowed = limit; reason = HpaConditions.ScaleDownLimit; message = DownLimitMessage; }
            if (desired < minAllowed) return (minAllowed, reason, message);
        }
        return (desired, HpaConditions.DesiredWithinRange, WithinRangeMessage);
    }

    /// <summary>calculateScaleUpLimitWithScalingRules.</summary>
    public static int ScaleUpLimit(int current, IReadOnlyList<ScaleEvent> upEvents, IReadOnlyList<ScaleEvent> downEvents, ScalingRules rules, DateTimeOffset now)
    {
        var select = rules.SelectPolicy ?? SelectPolicy.Max;
        if (select == SelectPolicy.Disabled) return current;
        var result = select == SelectPolicy.Min ? int.MaxValue : int.MinValue;
        foreach (var p in rules.Policies ?? [])
        {
            var periodStart = current - ChangeInPeriod(p.PeriodSeconds, upEvents, now) + ChangeInPeriod(p.PeriodSeconds, downEvents, now);
            var proposed = p.Type == ScalingPolicyType.Pods
                ? periodStart + p.Value
                : ReplicaCalculator.CeilToInt(periodStart * (1 + p.Value / 100.0));
            result = select == SelectPolicy.Min ? Math.Min(result, proposed) : Math.Max(result, proposed);
        }
        return result;
    }

    /// <summary>calculateScaleDownLimitWithBehaviors. Percent truncates toward zero (int32 cast).</summary>
    public static int ScaleDownLimit(int current, IReadOnlyList<ScaleEvent> upEvents, IReadOnlyList<ScaleEvent> downEvents, ScalingRules rules, DateTimeOffset now)
    {
        var select = rules.SelectPolicy ?? SelectPolicy.Max;
        if (select == SelectPolicy.Disabled) return current;
        var result = select == SelectPolicy.Min ? int.MinValue : int.MaxValue;
        foreach (var p in rules.Policies ?? [])
        {
            var periodStart = current - ChangeInPeriod(p.PeriodSeconds, upEvents, now) + ChangeInPeriod(p.PeriodSeconds, downEvents, now);
            var proposed = p.Type == ScalingPolicyType.Pods
                ? periodStart - p.Value
                : (int)(periodStart * (1 - p.Value / 100.0));
            result = select == SelectPolicy.Min ? Math.Max(result, proposed) : Math.Min(result, proposed);
        }
        return result;
    }

    /// <summary>getReplicasChangePerPeriod: events strictly newer than now - period.</summary>
    public static int ChangeInPeriod(int periodSeconds, IReadOnlyList<ScaleEvent> events, DateTimeOffset now)
    {
        var cutoff = now - TimeSpan.FromSeconds(periodSeconds);
        var sum = 0;
        foreach (var e in events) if (e.Timestamp > cutoff) sum += e.ReplicaChange;
        return sum;
    }

    /// <summary>
    /// storeScaleEvent: only with behavior. Events older than the direction's longest policy period are outdated;
    /// the new event takes the last outdated slot, or is appended.
    /// </summary>
    public static HpaHistory StoreScaleEvent(HpaHistory history, HpaBehavior? behavior, int previous, int next, DateTimeOffset now)
    {
        if (behavior is null || previous == next) return history;
        var defaulted = behavior.WithDefaults();
        if (next > previous)
            return history with { ScaleUpEvents = StoreEvent(history.ScaleUpEvents, LongestPeriod(defaulted.ScaleUp!), next - previous, now) };
        return history with { ScaleDownEvents = StoreEvent(history.ScaleDownEvents, LongestPeriod(defaulted.ScaleDown!), previous - next, now) };
    }

    private static int LongestPeriod(ScalingRules rules)
    {
        var longest = 0;
        foreach (var p in rules.Policies ?? []) longest = Math.Max(longest, p.PeriodSeconds);
        return longest;
    }

    private static IReadOnlyList<ScaleEvent> StoreEvent(IReadOnlyList<ScaleEvent> events, int longestPeriodSeconds, int change, DateTimeOffset now)
    {
        var cutoff = now - TimeSpan.FromSeconds(longestPeriodSeconds);
        var oldIndex = -1;
        for (var i = 0; i < events.Count; i++) if (events[i].Timestamp < cutoff) oldIndex = i;
        var list = new List<ScaleEvent>(events.Count + 1);
        list.AddRange(events);
        var e = new ScaleEvent(change, now);
        if (oldIndex >= 0) list[oldIndex] = e; else list.Add(e);
        return list;
    }

    private static IReadOnlyList<TimestampedRecommendation> Store(IReadOnlyList<TimestampedRecommendation> recs, int oldIndex, TimestampedRecommendation rec)
    {
        var list = new List<TimestampedRecommendation>(recs.Count + 1);
        list.AddRange(recs);
        if (oldIndex >= 0) list[oldIndex] = rec; else list.Add(rec);
        return list;
    }
}
