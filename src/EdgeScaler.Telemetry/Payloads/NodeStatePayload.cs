namespace EdgeScaler.Telemetry.Payloads;

/// <summary>`&lt;prefix&gt;/&lt;node&gt;/state`: one flat, retained object per interval (HA value_template and Telegraf json_v2 friendly).</summary>
public sealed class NodeStatePayload
{
    public int V { get; set; } = 1;
    public DateTimeOffset Ts { get; set; }
    public string Node { get; set; } = "";
    /// <summary>Hottest relevant zone, °C, one decimal; null when no zone could be read.</summary>
    public double? TempC { get; set; }
    /// <summary>Zone type → °C.</summary>
    public Dictionary<string, double>? Zones { get; set; }
    /// <summary>cool | warm | hot | critical | unknown.</summary>
    public string Thermal { get; set; } = "unknown";
    /// <summary>Any firmware throttling bit set now; null when the board has no flag source.</summary>
    public bool? Throttled { get; set; }
    public ThrottlePayload? Throttle { get; set; }
    public long? FreqKhz { get; set; }
    public long? MaxFreqKhz { get; set; }
    /// <summary>Node CPU in millicores; null until two samples give a rate.</summary>
    public long? CpuM { get; set; }
    public long? MemBytes { get; set; }
    public int Pods { get; set; }
}

/// <summary>Decoded firmware flags: current conditions and the sticky since-boot ones.</summary>
public sealed class ThrottlePayload
{
    public bool UnderVoltage { get; set; }
    public bool FreqCapped { get; set; }
    public bool Throttled { get; set; }
    public bool SoftTempLimit { get; set; }
    /// <summary>The raw get_throttled bit map, hex.</summary>
    public string Bits { get; set; } = "0x0";
    /// <summary>Names of the conditions that occurred since boot.</summary>
    public string[] SinceBoot { get; set; } = [];
}
