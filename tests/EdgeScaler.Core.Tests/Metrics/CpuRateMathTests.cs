namespace EdgeScaler.Core.Tests.Metrics;

using EdgeScaler.Core.Metrics;

public class CpuRateMathTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Spec_worked_example_is_50_millicores()
    {
        // usage_usec 1,000,000 → 1,500,000 over 10 s = 5e8 ns / 10 s = 5e7 nanocores.
        var r = CpuRateMath.Compute(1_000_000_000, T0, 1_500_000_000, T0.AddSeconds(10));
        Assert.True(r.IsValid);
        Assert.Equal(50_000_000, r.NanoCores);
        Assert.Equal(TimeSpan.FromSeconds(10), r.Window);
    }

    [Theory]
    [InlineData(0, RateRejection.TimeWentBackwards)]
    [InlineData(-1000, RateRejection.TimeWentBackwards)]
    [InlineData(1, RateRejection.WindowTooShort)]
    [InlineData(100, RateRejection.WindowTooShort)]
    [InlineData(101, RateRejection.None)]
    public void Windows_of_100ms_or_less_and_backwards_time_are_rejected(int windowMs, RateRejection expected)
    {
        var r = CpuRateMath.Compute(0, T0, 1_000_000, T0.AddMilliseconds(windowMs));
        Assert.Equal(expected, r.Rejection);
        Assert.Equal(expected == RateRejection.None, r.NanoCores is not null);
    }

    [Fact]
    public void A_decreasing_counter_is_a_reset_not_a_negative_rate()
    {
        var r = CpuRateMath.Compute(5_000_000_000, T0, 1_000, T0.AddSeconds(10));
        Assert.Equal(RateRejection.CounterDecreased, r.Rejection);
        Assert.Null(r.NanoCores);
    }

    [Fact]
    public void A_missing_reading_gives_no_rate()
    {
        Assert.Equal(RateRejection.NoPreviousSample, CpuRateMath.Compute(null, T0, 5, T0.AddSeconds(10)).Rejection);
        Assert.Equal(RateRejection.NoPreviousSample, CpuRateMath.Compute(5, T0, null, T0.AddSeconds(10)).Rejection);
    }

    [Fact]
    public void Property_rate_times_window_recovers_the_delta_within_truncation()
    {
        var rng = new Random(7);
        for (var i = 0; i < 5000; i++)
        {
            var windowTicks = rng.NextInt64(TimeSpan.FromMilliseconds(101).Ticks, TimeSpan.FromHours(2).Ticks);
            var cores = rng.NextDouble() * 64;
            var delta = (long)(cores * windowTicks * 100);
            var start = rng.NextInt64(0, long.MaxValue / 4);
            var r = CpuRateMath.Compute(start, T0, start + delta, T0.AddTicks(windowTicks));
            Assert.True(r.IsValid);
            var windowNs = (Int128)windowTicks * 100;
            // Truncating division: rate·window ≤ Δ·1e9 < (rate+1)·window.
            Assert.True((Int128)r.NanoCores!.Value * windowNs <= (Int128)delta * 1_000_000_000);
            Assert.True((Int128)(r.NanoCores.Value + 1) * windowNs > (Int128)delta * 1_000_000_000);
        }
    }

    [Fact]
    public void Huge_deltas_do_not_overflow()
    {
        var r = CpuRateMath.Compute(0, T0, long.MaxValue, T0.AddSeconds(1));
        Assert.True(r.IsValid);
        Assert.Equal(long.MaxValue, r.NanoCores); // saturates rather than wrapping negative
    }
}
