namespace EdgeScaler.Core.Hpa;

/// <summary>
/// Upstream's groupPods: which pods count for a per-pod metric. Deleting or Failed pods are ignored; Pending pods
/// are unready; pods without a sample are missing; for cpu only, the readiness rules around start-up apply
/// (a pod still in its CPU initialization period counts only when Ready and its sample is a full window past the
/// last readiness change; afterwards it is unready only if it never became ready within the readiness delay).
/// </summary>
public static class PodGrouping
{
    public sealed class Groups
    {
        public Groups()
            : this(0)
        {
        }

        /// <summary>Room for <paramref name="expectedReady"/> ready pods up front (most pods are), so the list does not regrow.</summary>
        public Groups(int expectedReady) => Ready = new List<string>(expectedReady);

        public int ReadyCount;
        public List<string> Ready { get; }
        public List<string> Unready { get; } = [];
        public List<string> Missing { get; } = [];
        public List<string> Ignored { get; } = [];

        public PodGroups ToPublic() => new(Ready, Unready, Missing, Ignored);
    }

    public static Groups Group(
        IReadOnlyList<PodInfo> pods,
        IReadOnlyDictionary<string, PodMetric> metrics,
        string resource,
        TimeSpan cpuInitializationPeriod,
        TimeSpan delayOfInitialReadinessStatus,
        DateTimeOffset now)
    {
        var g = new Groups(pods.Count);
        for (var i = 0; i < pods.Count; i++)
        {
            var pod = pods[i];
            if (pod.Deleting || pod.Phase == PodPhase.Failed) { g.Ignored.Add(pod.Name); continue; }
            if (pod.Phase == PodPhase.Pending) { g.Unready.Add(pod.Name); continue; }
            if (!metrics.TryGetValue(pod.Name, out var metric)) { g.Missing.Add(pod.Name); continue; }
            if (resource == "cpu" && IsUnreadyForCpu(pod, metric, cpuInitializationPeriod, delayOfInitialReadinessStatus, now))
            {
                g.Unready.Add(pod.Name);
                continue;
            }
            g.ReadyCount++;
            g.Ready.Add(pod.Name);
        }
        return g;
    }

    private static bool IsUnreadyForCpu(PodInfo pod, PodMetric metric, TimeSpan cpuInit, TimeSpan readinessDelay, DateTimeOffset now)
    {
        if (pod.Ready is not { } ready || pod.StartTime is not { } start) return true;
        if (start + cpuInit > now)
        {
            // Still initializing: the sample must be a full window after the last readiness transition.
            return ready.Status == ConditionStatus.False || metric.Timestamp < ready.LastTransitionTime + metric.Window;
        }
        // Initialized: unready only if it is not ready and never became ready after start-up.
        return ready.Status == ConditionStatus.False && start + readinessDelay > ready.LastTransitionTime;
    }
}
