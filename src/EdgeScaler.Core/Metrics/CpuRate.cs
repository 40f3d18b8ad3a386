namespace EdgeScaler.Core.Metrics;

/// <summary>Why a CPU rate could not be computed from two cumulative samples.</summary>
public enum RateRejection
{
    None = 0,
    /// <summary>One of the two samples lacks the counter (unreadable, or the container is new).</summary>
    NoPreviousSample,
    /// <summary>The two samples are 100 ms apart or less (cAdvisor rejects these: too noisy).</summary>
    WindowTooShort,
    /// <summary>The newer sample's time is not after the older one's.</summary>
    TimeWentBackwards,
    /// <summary>The cumulative counter went down: the cgroup was recreated (restart) or the counter reset.</summary>
    CounterDecreased,
}

/// <summary>A CPU rate in nanocores over a window, or the reason there is none.</summary>
public readonly record struct CpuRate(long? NanoCores, TimeSpan Window, RateRejection Rejection)
{
    public bool IsValid => Rejection == RateRejection.None;
}

/// <summary>
/// CPU nanocores from two cumulative readings, the cAdvisor/metrics-server way:
/// (Δusage_ns × 1e9) / Δt_ns, truncated; windows of 100 ms or less, time going backwards and
/// decreasing counters are rejected rather than turned into a number.
/// </summary>
public static class CpuRateMath
{
    public static readonly TimeSpan MinimumWindow = TimeSpan.FromMilliseconds(100);

    public static CpuRate Compute(long? previousNanoseconds, DateTimeOffset previousTime, long? currentNanoseconds, DateTimeOffset currentTime)
    {
        var window = currentTime - previousTime;
        if (window <= TimeSpan.Zero) return new CpuRate(null, window, RateRejection.TimeWentBackwards);
        if (window <= MinimumWindow) return new CpuRate(null, window, RateRejection.WindowTooShort);
        if (previousNanoseconds is not { } prev || currentNanoseconds is not { } cur) return new CpuRate(null, window, RateRejection.NoPreviousSample);
        if (cur < prev) return new CpuRate(null, window, RateRejection.CounterDecreased);
        // Int128: Δns × 1e9 overflows a long after ~9.2 s of CPU time.
        var windowNs = (Int128)window.Ticks * 100;
        var rate = (Int128)(cur - prev) * 1_000_000_000 / windowNs;
        return new CpuRate(rate > long.MaxValue ? long.MaxValue : (long)rate, window, RateRejection.None);
    }
}
