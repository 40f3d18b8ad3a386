namespace EdgeScaler.Core.Thermal;

/// <summary>One thermal zone or hwmon sensor, named by its type (e.g. "cpu-thermal"), never by number.</summary>
public sealed record ZoneTemperature(string Type, double Celsius);

/// <summary>
/// Firmware throttling flags, decoded from the Raspberry Pi get_throttled bit map (or equivalent).
/// "Now" bits are the current state; "Occurred" bits are sticky since boot.
/// </summary>
public readonly record struct ThrottleFlags(
    bool UnderVoltageNow,
    bool FrequencyCappedNow,
    bool ThrottledNow,
    bool SoftTempLimitNow,
    bool UnderVoltageOccurred,
    bool FrequencyCappedOccurred,
    bool ThrottledOccurred,
    bool SoftTempLimitOccurred)
{
    public static ThrottleFlags FromBits(uint bits) => new(
        (bits & 0x1) != 0, (bits & 0x2) != 0, (bits & 0x4) != 0, (bits & 0x8) != 0,
        (bits & 0x10000) != 0, (bits & 0x20000) != 0, (bits & 0x40000) != 0, (bits & 0x80000) != 0);

    public uint ToBits() =>
        (UnderVoltageNow ? 0x1u : 0) | (FrequencyCappedNow ? 0x2u : 0) | (ThrottledNow ? 0x4u : 0) | (SoftTempLimitNow ? 0x8u : 0) |
        (UnderVoltageOccurred ? 0x10000u : 0) | (FrequencyCappedOccurred ? 0x20000u : 0) |
        (ThrottledOccurred ? 0x40000u : 0) | (SoftTempLimitOccurred ? 0x80000u : 0);

    public bool AnyNow => UnderVoltageNow || FrequencyCappedNow || ThrottledNow || SoftTempLimitNow;
}

/// <summary>What a node knows about its own heat at one instant.</summary>
/// <param name="HottestCelsius">Max over the zones the board profile says count; null when none could be read.</param>
/// <param name="Flags">Null when the board has no firmware flag source or it could not be read.</param>
/// <param name="CpuFrequencyKHz">Current CPU frequency (cpufreq scaling_cur_freq of policy0), null when absent.</param>
/// <param name="MaxFrequencyKHz">cpuinfo_max_freq, null when absent.</param>
/// <param name="State">State after smoothing and hysteresis (the thermal policy computes it).</param>
public sealed record NodeThermal(
    string NodeName,
    DateTimeOffset Timestamp,
    IReadOnlyList<ZoneTemperature> Zones,
    double? HottestCelsius,
    ThrottleFlags? Flags,
    long? CpuFrequencyKHz,
    long? MaxFrequencyKHz,
    ThermalState State);
