namespace EdgeScaler.Simulation.Tests;

using EdgeScaler.Simulation.Thermal;

/// <summary>The first-order model against values worked out by hand.</summary>
public class ThermalModelTests
{
    private static readonly BoardThermalModel Pi4 = BoardCatalog.RaspberryPi4;

    [Fact]
    public void Power_is_idle_plus_dynamic_share_scaled_by_clock_squared()
    {
        // 2.7 + (6.4 − 2.7) · 0.5 · 1² = 4.55 W
        Assert.Equal(4.55, ThermalModel.PowerWatts(Pi4, 0.5, 1500), 9);
        // 2.7 + 3.7 · 1 · (750/1500)² = 2.7 + 0.925 = 3.625 W
        Assert.Equal(3.625, ThermalModel.PowerWatts(Pi4, 1.0, 750), 9);
        Assert.Equal(2.7, ThermalModel.PowerWatts(Pi4, 0, 1500), 9);
        Assert.Equal(6.4, ThermalModel.PowerWatts(Pi4, 1.7, 1500), 9); // busy fraction is clamped to 1
    }

    [Fact]
    public void Steady_state_is_ambient_plus_power_times_resistance()
    {
        var bare = Pi4.For(Cooling.None);      // 9.5 K/W
        var fan = Pi4.For(Cooling.Fan);        // 3.5 K/W
        Assert.Equal(25 + 6.4 * 9.5, ThermalModel.SteadyStateCelsius(25, 6.4, bare), 9); // 85.8 °C
        Assert.Equal(25 + 6.4 * 3.5, ThermalModel.SteadyStateCelsius(25, 6.4, fan), 9);  // 47.4 °C
    }

    [Fact]
    public void One_time_constant_closes_63_percent_of_the_gap()
    {
        var heat = new CoolingParameters(10, 100);
        // From 30 °C towards 30 + 5·10 = 80 °C: after τ, 30 + 50·(1 − e⁻¹) = 61.606 °C
        var t = ThermalModel.Step(30, 30, 5, heat, 100);
        Assert.Equal(30 + 50 * (1 - Math.Exp(-1)), t, 9);
        Assert.Equal(61.606, t, 3);
    }

    [Fact]
    public void Many_small_steps_equal_one_large_step_and_converge_to_steady_state()
    {
        var heat = new CoolingParameters(6, 400);
        double small = 40;
        for (var i = 0; i < 600; i++) small = ThermalModel.Step(small, 35, 5, heat, 1);
        var large = ThermalModel.Step(40, 35, 5, heat, 600);
        Assert.Equal(large, small, 9);
        // 35 + 30 − (65 − 40)·e^(−1.5) = 65 − 25 · 0.22313 = 59.42 °C
        Assert.Equal(65 - 25 * Math.Exp(-1.5), large, 9);

        var t = 40.0;
        for (var i = 0; i < 20000; i++) t = ThermalModel.Step(t, 35, 5, heat, 1);
        Assert.Equal(65, t, 6);
    }

    [Fact]
    public void Cooling_falls_towards_ambient_when_power_drops()
    {
        var heat = new CoolingParameters(9.5, 180);
        // From 80 °C with 0 W at 30 °C ambient, after 180 s: 30 + 50·e⁻¹ = 48.39 °C
        Assert.Equal(30 + 50 * Math.Exp(-1), ThermalModel.Step(80, 30, 0, heat, 180), 9);
    }

    [Theory]
    // Pi 4 (1500/1000/750/600 MHz, progressive from 80 °C, hard at 85 °C, no soft limit)
    [InlineData(60.0, 1500, false)]
    [InlineData(79.99, 1500, false)]
    [InlineData(80.0, 1000, true)]   // aim 1500 → first step below the top clock
    [InlineData(82.5, 1000, true)]   // aim 1500 − 0.5·900 = 1050 → 1000
    [InlineData(83.0, 750, true)]    // aim 960 → 750
    [InlineData(84.0, 750, true)]    // aim 1500 − 0.8·900 = 780 → 750
    [InlineData(84.5, 600, true)]    // aim 690 → 600
    [InlineData(85.0, 600, true)]    // hard limit
    [InlineData(95.0, 600, true)]
    public void Pi4_throttle_steps(double celsius, int expectedMHz, bool throttled)
    {
        var r = ThermalModel.Throttle(Pi4.Throttle, celsius);
        Assert.Equal(expectedMHz, r.FrequencyMHz);
        Assert.Equal(throttled, r.Throttled);
        Assert.False(r.SoftLimitActive);
    }

    [Theory]
    // Pi 3 B+ (1400/1200/600 MHz, soft limit 60 °C → 1200 MHz, progressive from 80, hard at 85)
    [InlineData(59.9, 1400, false, false)]
    [InlineData(60.0, 1200, true, false)]
    [InlineData(75.0, 1200, true, false)]
    [InlineData(80.0, 1200, true, true)]  // aim 1400 → first step below top = 1200
    [InlineData(81.5, 600, true, true)]   // aim 1400 − 0.3·800 = 1160 → 600
    [InlineData(85.0, 600, true, true)]
    public void Pi3BPlus_soft_limit_then_throttle(double celsius, int expectedMHz, bool soft, bool throttled)
    {
        var r = ThermalModel.Throttle(BoardCatalog.RaspberryPi3BPlus.Throttle, celsius);
        Assert.Equal(expectedMHz, r.FrequencyMHz);
        Assert.Equal(soft, r.SoftLimitActive);
        Assert.Equal(throttled, r.Throttled);
        Assert.Equal(soft || throttled, r.FrequencyCapped);
    }

    [Fact]
    public void Rk3588_throttles_from_its_85_degree_passive_trip()
    {
        var t = BoardCatalog.Rk3588.Throttle;
        Assert.Equal(2400, ThermalModel.Throttle(t, 84.9).FrequencyMHz);
        Assert.Equal(2208, ThermalModel.Throttle(t, 85).FrequencyMHz);
        Assert.Equal(1416, ThermalModel.Throttle(t, 95).FrequencyMHz);
        // 90 °C: aim 2400 − 0.5·984 = 1908 → 1800
        Assert.Equal(1800, ThermalModel.Throttle(t, 90).FrequencyMHz);
    }

    [Fact]
    public void Clock_never_rises_as_temperature_rises_on_any_board()
    {
        foreach (var board in BoardCatalog.All)
        {
            var last = int.MaxValue;
            for (var c = 20.0; c <= 110; c += 0.1)
            {
                var f = ThermalModel.Throttle(board.Throttle, c).FrequencyMHz;
                Assert.True(f <= last, $"{board.BoardId}: clock rose from {last} to {f} MHz at {c:0.0} °C");
                Assert.Contains(f, board.Throttle.StepsMHz);
                last = f;
            }
        }
    }

    [Fact]
    public void Heatsink_and_fan_lower_resistance_on_every_board()
    {
        foreach (var b in BoardCatalog.All)
        {
            Assert.True(b.For(Cooling.Heatsink).ThermalResistance < b.For(Cooling.None).ThermalResistance, b.BoardId);
            Assert.True(b.For(Cooling.Fan).ThermalResistance < b.For(Cooling.Heatsink).ThermalResistance, b.BoardId);
            Assert.False(string.IsNullOrWhiteSpace(b.Sources), b.BoardId);
        }
    }
}
