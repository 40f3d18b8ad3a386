namespace EdgeScaler.Simulation.Thermal;

/// <summary>
/// Thermal-model parameters per board id (the ids of the profiles in <c>boards/&lt;id&gt;/profile.json</c>). Kept here, not in the board profiles,
/// because they describe a simulated board, not how to read a real one; a scenario can override any number per node.
///
/// How the numbers were derived (estimates, good to ±20 %; a first-order model cannot be more precise anyway):
/// <list type="bullet">
/// <item>Power at idle and with all cores busy: the Pi Dramble power benchmarks (pidramble.com/wiki/benchmarks/power-consumption:
/// Pi 4 B 540 mA/1280 mA at 5 V, Pi 3 B+ 350 mA/980 mA) and published Pi 5 / RK3588 reviews (Pi 5 ≈ 2.7 W idle,
/// ≈ 7 W under stress-ng; RK3588 boards ≈ 3 W idle, ≈ 10 W all cores busy).</item>
/// <item>Thermal resistance R = (T_load − T_ambient) / P_load from reported stress temperatures: a bare Pi 4 at ~22 °C
/// reaches the 80 °C throttle point under stress (raspberrypi.com "Thermal testing Raspberry Pi 4", 2019) → R ≈ 9.5 K/W;
/// with a passive heatsink case it stays near 60 °C → ≈ 6 K/W; with a fan near 45 °C → ≈ 3.5 K/W.</item>
/// <item>Time constants: bare boards approach steady state within ~10 minutes of a step in load (τ ≈ 3 min); a heatsink
/// adds thermal mass (τ ≈ 6–7 min); a fan shortens it.</item>
/// <item>Clocks and limits: raspberrypi/documentation frequency-management.adoc (80 °C progressive, 85 °C hard on all Pis;
/// 3B+ soft limit 60 °C, 1.4 → 1.2 GHz; Pi 4 DVFS steps 1500/1000/750/600 MHz); RK3588 mainline rk3588-base.dtsi
/// (passive trip 85 °C on the big cores; step_wise cpufreq cooling modelled as progressive over 85–95 °C).</item>
/// </list>
/// </summary>
public static class BoardCatalog
{
    private const long GiB = 1L << 30;

    public static readonly BoardThermalModel RaspberryPi3BPlus = new(
        "rpi-3bplus", "Raspberry Pi 3 Model B+", Cores: 4, MemoryBytes: 1 * GiB,
        IdleWatts: 1.9, FullLoadWatts: 5.1,
        new Dictionary<Cooling, CoolingParameters>
        {
            [Cooling.None] = new(10.5, 150),
            [Cooling.Heatsink] = new(8.0, 300),
            [Cooling.Fan] = new(4.0, 120),
        },
        new ThrottleSpec(ThrottleAuthority.PiFirmware, [1400, 1200, 600], 80, 85, SoftLimitCelsius: 60, SoftLimitMHz: 1200),
        "Pi Dramble power benchmarks (350/980 mA at 5 V); raspberrypi/documentation frequency-management.adoc (soft limit 60 °C → 1.2 GHz, 80/85 °C)");

    public static readonly BoardThermalModel RaspberryPi4 = new(
        "rpi-4b", "Raspberry Pi 4 Model B", Cores: 4, MemoryBytes: 4 * GiB,
        IdleWatts: 2.7, FullLoadWatts: 6.4,
        new Dictionary<Cooling, CoolingParameters>
        {
            [Cooling.None] = new(9.5, 180),
            [Cooling.Heatsink] = new(6.0, 400),
            [Cooling.Fan] = new(3.5, 150),
        },
        new ThrottleSpec(ThrottleAuthority.PiFirmware, [1500, 1000, 750, 600], 80, 85),
        "Pi Dramble power benchmarks (540/1280 mA at 5 V); raspberrypi.com 'Thermal testing Raspberry Pi 4'; frequency-management.adoc (DVFS 1500/1000/750/600 MHz, 80/85 °C, no soft limit)");

    public static readonly BoardThermalModel RaspberryPi5 = new(
        "rpi-5", "Raspberry Pi 5", Cores: 4, MemoryBytes: 8 * GiB,
        IdleWatts: 2.7, FullLoadWatts: 7.0,
        new Dictionary<Cooling, CoolingParameters>
        {
            [Cooling.None] = new(9.0, 150),
            [Cooling.Heatsink] = new(6.5, 300),
            [Cooling.Fan] = new(4.5, 120),
        },
        new ThrottleSpec(ThrottleAuthority.PiFirmware, [2400, 2200, 2000, 1800, 1600, 1500], 80, 85),
        "Published Pi 5 reviews (≈2.7 W idle, ≈7 W stress-ng); frequency-management.adoc (80/85 °C on all models); cpufreq 1.5–2.4 GHz");

    public static readonly BoardThermalModel Rk3588 = new(
        "rk3588", "RK3588 (Orange Pi 5 / Rock 5B)", Cores: 8, MemoryBytes: 8 * GiB,
        IdleWatts: 3.0, FullLoadWatts: 10.0,
        new Dictionary<Cooling, CoolingParameters>
        {
            [Cooling.None] = new(7.0, 200),
            [Cooling.Heatsink] = new(4.8, 400),
            [Cooling.Fan] = new(2.8, 150),
        },
        new ThrottleSpec(ThrottleAuthority.KernelCpufreq, [2400, 2208, 2016, 1800, 1608, 1416], 85, 95),
        "Published Orange Pi 5 / Rock 5B reviews (≈3 W idle, ≈10 W all cores); torvalds/linux rk3588-base.dtsi (85 °C passive trip, 115 °C critical); A76 OPP table 1416–2400 MHz");

    /// <summary>Compute Module 4: the same BCM2711 as the Pi 4; on a carrier board without a heatsink it runs a little hotter.</summary>
    public static readonly BoardThermalModel RaspberryPiCm4 = RaspberryPi4 with
    {
        BoardId = "rpi-cm4",
        DisplayName = "Raspberry Pi Compute Module 4",
        CoolingOptions = new Dictionary<Cooling, CoolingParameters>
        {
            [Cooling.None] = new(10.5, 150),
            [Cooling.Heatsink] = new(6.0, 400),
            [Cooling.Fan] = new(3.5, 150),
        },
        Sources = "As the Pi 4 (same BCM2711, same firmware limits); smaller board area → higher bare resistance (estimate)",
    };

    public static readonly IReadOnlyList<BoardThermalModel> All = [RaspberryPi3BPlus, RaspberryPi4, RaspberryPiCm4, RaspberryPi5, Rk3588];

    /// <summary>Other names a scenario may use for the same board (profile directories, marketing names).</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["rpi3bplus"] = "rpi-3bplus", ["pi3bplus"] = "rpi-3bplus", ["rpi-3b+"] = "rpi-3bplus",
        ["rpi4"] = "rpi-4b", ["pi4"] = "rpi-4b", ["rpi-4"] = "rpi-4b", ["cm4"] = "rpi-cm4",
        ["rpi5"] = "rpi-5", ["pi5"] = "rpi-5",
        ["orangepi5"] = "rk3588", ["rock5b"] = "rk3588", ["rk3588s"] = "rk3588",
    };

    public static BoardThermalModel? Find(string boardId)
    {
        var id = Aliases.TryGetValue(boardId, out var a) ? a : boardId;
        foreach (var b in All) if (string.Equals(b.BoardId, id, StringComparison.OrdinalIgnoreCase)) return b;
        return null;
    }

    public static string KnownIds => string.Join(", ", All.Select(b => b.BoardId));
}
