namespace EdgeScaler.Core.Hpa;

/// <summary>
/// Upstream's ReplicaCalculator (replica_calculator.go), pure: every rounding rule kept —
/// truncated integer utilization percent, int64 averages, ceil on double, fill-in of missing and unready pods,
/// and the guards that stop fill-in from reversing the scale direction.
/// </summary>
public sealed class ReplicaCalculator(IReadOnlyList<PodInfo> pods, Tolerances tolerances, HpaSettings settings, DateTimeOffset now)
{
    public sealed record Outcome(int Replicas, long RawValue, int? Utilization, DateTimeOffset Timestamp, PodGroups? Pods);

    private const string NoPods = "no pods returned by selector while calculating replica count";
    private const string NoReadyMetrics = "did not receive metrics for targeted pods (pods might be unready)";

    /// <summary>GetResourceReplicas: a Resource/ContainerResource metric with a Utilization target.</summary>
    public MetricResult<Outcome> ResourceUtilization(int currentReplicas, int targetUtilization, string resource, string? container, MetricResult<PodMetricsInfo> fetched)
    {
        if (!fetched.Ok) return Fail($"unable to get metrics for resource {resource}: {fetched.Error}");
        if (pods.Count == 0) return Fail(NoPods);
        var groups = PodGrouping.Group(pods, fetched.Value!.Values, resource, settings.CpuInitialization, settings.ReadinessDelay, now);
        var metrics = Working(fetched.Value.Values, groups);
        foreach (var p in groups.Ignored) metrics.Remove(p);
        foreach (var p in groups.Unready) metrics.Remove(p);
        if (metrics.Count == 0) return Fail(NoReadyMetrics, groups);

        var requests = PodRequests.Calculate(pods, container, resource, settings.PodLevelResources);
        if (!requests.Ok) return Fail(requests.Error!, groups);
        var req = requests.Value!;

        if (!UtilizationRatio(metrics, req, targetUtilization, out var ratio, out var utilization, out var raw))
            return Fail("no metrics returned matched known pods", groups);

        Outcome Done(int replicas) => new(replicas, raw, utilization, fetched.Value!.Timestamp, groups.ToPublic());

        var scaleUpWithUnready = groups.Unready.Count > 0 && ratio > 1.0;
        if (!scaleUpWithUnready && groups.Missing.Count == 0)
        {
            if (tolerances.IsWithin(ratio)) return Ok(Done(currentReplicas));
            return Ok(Done(CeilToInt(ratio * groups.ReadyCount)));
        }

        if (groups.Missing.Count > 0)
        {
            if (ratio < 1.0)
            {
                // Scale-down: a missing pod counts as exactly on target (at least 100% of its request).
                long fallback = Math.Max(100, targetUtilization);
                foreach (var p in groups.Missing) metrics[p] = new PodMetric(req.GetValueOrDefault(p) * fallback / 100, default, default);
            }
            else if (ratio > 1.0)
            {
                foreach (var p in groups.Missing) metrics[p] = new PodMetric(0, default, default);
            }
        }
        if (scaleUpWithUnready)
            foreach (var p in groups.Unready) metrics[p] = new PodMetric(0, default, default);

        if (!UtilizationRatio(metrics, req, targetUtilization, out var newRatio, out _, out _))
            return Fail("no metrics returned matched known pods", groups);
        return Ok(Done(AfterFillIn(currentReplicas, ratio, newRatio, metrics.Count)));
    }

    /// <summary>GetRawResourceReplicas: a Resource/ContainerResource metric with an AverageValue target (milli-units).</summary>
    public MetricResult<Outcome> ResourceAverageValue(int currentReplicas, long targetMilli, string resource, MetricResult<PodMetricsInfo> fetched)
    {
        if (!fetched.Ok) return Fail($"unable to get metrics for resource {resource}: {fetched.Error}");
        return PlainMetric(currentReplicas, targetMilli, resource, fetched.Value!);
    }

    /// <summary>GetMetricReplicas: a Pods metric (AverageValue target, milli-units). No cpu readiness rules.</summary>
    public MetricResult<Outcome> PodsMetric(int currentReplicas, long targetMilli, string metricName, MetricResult<PodMetricsInfo> fetched)
    {
        if (!fetched.Ok) return Fail($"unable to get metric {metricName}: {fetched.Error}");
        return PlainMetric(currentReplicas, targetMilli, "", fetched.Value!);
    }

    /// <summary>calcPlainMetricReplicas: averages instead of utilization; a missing pod on scale-down counts as on target.</summary>
    private MetricResult<Outcome> PlainMetric(int currentReplicas, long targetUsage, string resource, PodMetricsInfo fetched)
    {
        if (pods.Count == 0) return Fail(NoPods);
        var groups = PodGrouping.Group(pods, fetched.Values, resource, settings.CpuInitialization, settings.ReadinessDelay, now);
        var metrics = Working(fetched.Values, groups);
        foreach (var p in groups.Ignored) metrics.Remove(p);
        foreach (var p in groups.Unready) metrics.Remove(p);
        if (metrics.Count == 0) return Fail(NoReadyMetrics, groups);

        var (ratio, usage) = UsageRatio(metrics, targetUsage);
        Outcome Done(int replicas) => new(replicas, usage, null, fetched.Timestamp, groups.ToPublic());

        var scaleUpWithUnready = groups.Unready.Count > 0 && ratio > 1.0;
        if (!scaleUpWithUnready && groups.Missing.Count == 0)
        {
            if (tolerances.IsWithin(ratio)) return Ok(Done(currentReplicas));
            return Ok(Done(CeilToInt(ratio * groups.ReadyCount)));
        }
        if (groups.Missing.Count > 0)
        {
            var fill = ratio < 1.0 ? targetUsage : 0;
            foreach (var p in groups.Missing) metrics[p] = new PodMetric(fill, default, default);
        }
        if (scaleUpWithUnready)
            foreach (var p in groups.Unready) metrics[p] = new PodMetric(0, default, default);

        var (newRatio, _) = UsageRatio(metrics, targetUsage);
        return Ok(Done(AfterFillIn(currentReplicas, ratio, newRatio, metrics.Count)));
    }

    /// <summary>
    /// The count after missing/unready pods were filled in: unchanged when the new ratio is within tolerance or the
    /// fill-in flipped the direction, or when rounding would move against the direction (upstream's two guards).
    /// </summary>
    private int AfterFillIn(int currentReplicas, double ratio, double newRatio, int podCount)
    {
        if (tolerances.IsWithin(newRatio) || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0)) return currentReplicas;
        var newReplicas = CeilToInt(newRatio * podCount);
        return (newRatio < 1.0 && newReplicas > currentReplicas) || (newRatio > 1.0 && newReplicas < currentReplicas) ? currentReplicas : newReplicas;
    }

    /// <summary>GetObjectMetricReplicas / GetExternalMetricReplicas: a Value target; scale from zero is ceil(ratio).</summary>
    public MetricResult<Outcome> UsageRatioReplicas(int currentReplicas, long usage, long targetUsage, DateTimeOffset timestamp)
    {
        var ratio = (double)usage / targetUsage;
        if (currentReplicas == 0) return Ok(new Outcome(CeilToInt(ratio), usage, null, timestamp, null));
        if (tolerances.IsWithin(ratio)) return Ok(new Outcome(currentReplicas, usage, null, timestamp, null));
        if (pods.Count == 0) return Fail($"unable to calculate ready pods: {NoPods}");
        var ready = 0;
        foreach (var p in pods)
            if (p.Phase == PodPhase.Running && p.Ready is { Status: ConditionStatus.True }) ready++;
        return Ok(new Outcome(CeilToInt(ratio * ready), usage, null, timestamp, null));
    }

    /// <summary>
    /// GetObjectPerPodMetricReplicas / GetExternalPerPodMetricReplicas: an AverageValue target against the Scale's
    /// status.replicas. The reported usage is the per-replica average, rounded up.
    /// </summary>
    public static Outcome PerPodReplicas(int statusReplicas, long usage, long targetAverage, Tolerances tolerances, DateTimeOffset timestamp)
    {
        var replicas = statusReplicas;
        var ratio = (double)usage / ((double)targetAverage * replicas);
        if (!tolerances.IsWithin(ratio)) replicas = CeilToInt((double)usage / targetAverage);
        // Upstream divides by status.replicas even when it is 0; we report the total rather than an undefined cast.
        var average = statusReplicas == 0 ? usage : (long)Math.Ceiling((double)usage / statusReplicas);
        return new Outcome(replicas, average, null, timestamp, null);
    }

    /// <summary>
    /// The per-pod values the calculation works on. Only ignored, unready and missing pods make it remove or fill in
    /// entries; without any, it only reads, so the fetched dictionary is used as it is instead of copied (one copy
    /// per HPA per pass saved). With any, it gets its own copy: the fetched values are the caller's.
    /// </summary>
    private static Dictionary<string, PodMetric> Working(IReadOnlyDictionary<string, PodMetric> fetched, PodGrouping.Groups groups)
    {
        var changes = groups.Ignored.Count > 0 || groups.Unready.Count > 0 || groups.Missing.Count > 0;
        return !changes && fetched is Dictionary<string, PodMetric> readOnly ? readOnly : new Dictionary<string, PodMetric>(fetched, StringComparer.Ordinal);
    }

    /// <summary>GetResourceUtilizationRatio: only pods with a request count; percent is truncated int64 math.</summary>
    private static bool UtilizationRatio(Dictionary<string, PodMetric> metrics, Dictionary<string, long> requests, int target,
        out double ratio, out int utilization, out long rawAverage)
    {
        long metricsTotal = 0, requestsTotal = 0, n = 0;
        foreach (var (pod, m) in metrics)
        {
            if (!requests.TryGetValue(pod, out var r)) continue;
            metricsTotal += m.Value;
            requestsTotal += r;
            n++;
        }
        ratio = 0; utilization = 0; rawAverage = 0;
        if (requestsTotal == 0) return false;
        utilization = (int)(metricsTotal * 100 / requestsTotal);
        ratio = (double)utilization / target;
        rawAverage = metricsTotal / n;
        return true;
    }

    /// <summary>GetMetricUsageRatio: integer average over every entry, then a double ratio.</summary>
    private static (double Ratio, long Usage) UsageRatio(Dictionary<string, PodMetric> metrics, long target)
    {
        long total = 0;
        foreach (var m in metrics.Values) total += m.Value;
        var usage = total / metrics.Count;
        return ((double)usage / target, usage);
    }

    /// <summary>int32(math.Ceil(x)), saturating instead of Go's undefined overflow.</summary>
    public static int CeilToInt(double x)
    {
        var c = Math.Ceiling(x);
        if (double.IsNaN(c)) return 0;
        return c >= int.MaxValue ? int.MaxValue : c <= int.MinValue ? int.MinValue : (int)c;
    }

    private static MetricResult<Outcome> Ok(Outcome o) => MetricResult<Outcome>.Success(o);

    private static MetricResult<Outcome> Fail(string error, PodGrouping.Groups? groups = null) => MetricResult<Outcome>.Fail(error);
}
