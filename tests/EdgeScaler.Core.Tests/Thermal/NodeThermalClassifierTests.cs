namespace EdgeScaler.Core.Tests.Thermal;

using EdgeScaler.Core.Thermal;

public class NodeThermalClassifierTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly ThermalLimits Pi = new(70, 80, 85, 3, TimeSpan.Zero);

    [Theory]
    [InlineData(20, ThermalState.Cool)]
    [InlineData(69.99, ThermalState.Cool)]
    [InlineData(70, ThermalState.Warm)]
    [InlineData(79.9, ThermalState.Warm)]
    [InlineData(80, ThermalState.Hot)]
    [InlineData(85, ThermalState.Critical)]
    [InlineData(120, ThermalState.Critical)]
    public void First_reading_maps_straight_to_a_level(double c, ThermalState expected)
    {
        var k = new NodeThermalClassifier(Pi);
        Assert.Equal(expected, k.Update(c, null, T0));
    }

    /// <summary>Every (state, temperature) pair: rising takes the limit, falling needs limit − hysteresis.</summary>
    [Fact]
    public void Step_table_over_all_states_and_a_temperature_sweep()
    {
        foreach (var from in new[] { ThermalState.Cool, ThermalState.Warm, ThermalState.Hot, ThermalState.Critical })
            for (var t = 50.0; t <= 95.0; t += 0.25)
            {
                var got = NodeThermalClassifier.Step(from, t, Pi);
                var rising = t >= 85 ? ThermalState.Critical : t >= 80 ? ThermalState.Hot : t >= 70 ? ThermalState.Warm : ThermalState.Cool;
                var holding = t >= 82 ? ThermalState.Critical : t >= 77 ? ThermalState.Hot : t >= 67 ? ThermalState.Warm : ThermalState.Cool;
                var expected = rising >= from ? rising : (holding < from ? holding : from);
                Assert.True(expected == got, $"from {from} at {t}: expected {expected}, got {got}");
            }
    }

    [Fact]
    public void Hysteresis_stops_flapping_around_a_limit()
    {
        var k = new NodeThermalClassifier(Pi);
        var states = new List<ThermalState>();
        double[] temps = [79, 80, 79.5, 78, 77.1, 80.2, 77, 76.9, 70, 66.9];
        for (var i = 0; i < temps.Length; i++) states.Add(k.Update(temps[i], null, T0.AddSeconds(i)));
        Assert.Equal(
            [ThermalState.Warm, ThermalState.Hot, ThermalState.Hot, ThermalState.Hot, ThermalState.Hot, ThermalState.Hot,
             ThermalState.Hot, ThermalState.Warm, ThermalState.Warm, ThermalState.Cool], states);
    }

    [Fact]
    public void Smoothing_follows_an_exponential_with_the_time_constant()
    {
        var k = new NodeThermalClassifier(Pi with { Smoothing = TimeSpan.FromSeconds(10) });
        k.Update(50, null, T0);
        k.Update(80, null, T0.AddSeconds(10));
        Assert.Equal(50 + 30 * (1 - Math.Exp(-1)), k.SmoothedCelsius!.Value, 9);
        Assert.Equal(ThermalState.Cool, k.State); // 68.96 smoothed: below the 70 °C warm limit, so still cool
    }

    [Fact]
    public void A_single_spike_does_not_make_a_smoothed_node_hot_but_a_critical_reading_is_immediate()
    {
        var k = new NodeThermalClassifier(Pi with { Smoothing = TimeSpan.FromSeconds(30) });
        k.Update(55, null, T0);
        Assert.Equal(ThermalState.Cool, k.Update(82, null, T0.AddSeconds(2)));
        Assert.Equal(ThermalState.Critical, k.Update(86, null, T0.AddSeconds(4)));
    }

    [Fact]
    public void Unequal_intervals_weigh_by_time()
    {
        var a = new NodeThermalClassifier(Pi with { Smoothing = TimeSpan.FromSeconds(10) });
        var b = new NodeThermalClassifier(Pi with { Smoothing = TimeSpan.FromSeconds(10) });
        a.Update(40, null, T0); b.Update(40, null, T0);
        a.Update(60, null, T0.AddSeconds(20));
        b.Update(60, null, T0.AddSeconds(10)); b.Update(60, null, T0.AddSeconds(20));
        Assert.Equal(a.SmoothedCelsius!.Value, b.SmoothedCelsius!.Value, 9);
    }

    [Theory]
    [InlineData(0x0u, ThermalState.Cool)]
    [InlineData(0x50000u, ThermalState.Cool)]   // only in the past
    [InlineData(0x1u, ThermalState.Cool)]       // under-voltage alone is not thermal
    [InlineData(0x8u, ThermalState.Warm)]       // soft limit now
    [InlineData(0x80008u, ThermalState.Warm)]
    [InlineData(0x2u, ThermalState.Hot)]        // frequency capped now
    [InlineData(0x4u, ThermalState.Hot)]        // throttled now
    [InlineData(0x50005u, ThermalState.Hot)]
    [InlineData(0xa0002u, ThermalState.Hot)]
    [InlineData(0xe0000u, ThermalState.Cool)]
    public void Firmware_flags_raise_a_cool_temperature(uint bits, ThermalState expected)
    {
        var k = new NodeThermalClassifier(Pi);
        Assert.Equal(expected, k.Update(45, ThrottleFlags.FromBits(bits), T0));
    }

    [Fact]
    public void Flags_never_lower_a_temperature_state()
    {
        var k = new NodeThermalClassifier(Pi);
        Assert.Equal(ThermalState.Critical, k.Update(90, ThrottleFlags.FromBits(0x4), T0));
    }

    [Fact]
    public void No_temperature_and_no_flags_is_unknown_and_stale_readings_expire()
    {
        var k = new NodeThermalClassifier(Pi with { Smoothing = TimeSpan.FromSeconds(10) });
        Assert.Equal(ThermalState.Unknown, k.Update(null, null, T0));
        Assert.Equal(ThermalState.Hot, k.Update(81, null, T0.AddSeconds(1)));
        Assert.Equal(ThermalState.Hot, k.Update(null, null, T0.AddSeconds(30)));       // kept for a while
        Assert.Equal(ThermalState.Unknown, k.Update(null, null, T0.AddSeconds(100)));  // then unknown, not made up
        Assert.Null(k.SmoothedCelsius);
        Assert.Equal(ThermalState.Hot, k.Update(null, ThrottleFlags.FromBits(0x4), T0.AddSeconds(101))); // flags still speak
        Assert.Equal(ThermalState.Cool, k.Update(double.NaN, ThrottleFlags.FromBits(0), T0.AddSeconds(102)));
    }

    [Fact]
    public void Bad_limits_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new NodeThermalClassifier(new ThermalLimits(80, 70, 85, 3, TimeSpan.Zero)));
        Assert.Throws<ArgumentException>(() => new NodeThermalClassifier(new ThermalLimits(70, 80, 85, -1, TimeSpan.Zero)));
        Assert.Throws<ArgumentException>(() => new NodeThermalClassifier(new ThermalLimits(70, 80, double.NaN, 3, TimeSpan.Zero)));
    }

    [Fact]
    public void ThrottleFlags_round_trip_every_documented_bit()
    {
        foreach (var bits in new uint[] { 0x0, 0x50005, 0x50000, 0x80008, 0xa0002, 0xe0000, 0xf000f })
            Assert.Equal(bits, ThrottleFlags.FromBits(bits).ToBits());
        var f = ThrottleFlags.FromBits(0x50005);
        Assert.True(f.UnderVoltageNow && f.ThrottledNow && f.UnderVoltageOccurred && f.ThrottledOccurred);
        Assert.False(f.FrequencyCappedNow || f.SoftTempLimitNow || f.FrequencyCappedOccurred || f.SoftTempLimitOccurred);
    }
}
