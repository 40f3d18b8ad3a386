namespace EdgeScaler.Node.Boards;

using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeScaler.Core.Thermal;

/// <summary>
/// What EdgeScaler knows about one kind of board: how to recognise it, which thermal zones count, its
/// warm/hot/critical limits, where its firmware throttle flags are, and default panel pins.
/// One JSON file per board: <c>boards/&lt;id&gt;/profile.json</c> (documented in boards/README.md).
/// </summary>
public sealed class BoardProfile
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";

    /// <summary>Used when no other profile matches the device tree.</summary>
    public bool Fallback { get; set; }

    public BoardMatch Match { get; set; } = new();
    public BoardThermal Thermal { get; set; } = new();
    public BoardThrottle Throttle { get; set; } = new();

    /// <summary>
    /// Default GPIO panel wiring in the panel section's own shape (docs/panel.md). Kept as raw JSON: the
    /// panel library binds it with its own options type; config overrides it field by field.
    /// </summary>
    public JsonElement? Panel { get; set; }

    public ThermalLimits Limits => new(Thermal.WarmCelsius, Thermal.HotCelsius, Thermal.CriticalCelsius,
        Thermal.HysteresisCelsius, TimeSpan.FromSeconds(Thermal.SmoothingSeconds));
}

/// <summary>Device-tree facts that identify a board.</summary>
public sealed class BoardMatch
{
    /// <summary>Entries of /proc/device-tree/compatible; the device's most specific matching entry wins.</summary>
    public List<string> Compatible { get; set; } = [];

    /// <summary>Prefixes of /proc/device-tree/model, used when no compatible entry matches.</summary>
    public List<string> ModelPrefix { get; set; } = [];
}

public sealed class BoardThermal
{
    /// <summary>
    /// Thermal zone types (a trailing * matches any suffix) whose maximum is "the SoC temperature".
    /// Empty: every readable zone counts.
    /// </summary>
    public List<string> Zones { get; set; } = [];

    /// <summary>Zone types never read: sensors known to be offline on this board, whose reads can hang.</summary>
    public List<string> SkipZones { get; set; } = [];

    public double WarmCelsius { get; set; } = 70;
    public double HotCelsius { get; set; } = 80;
    public double CriticalCelsius { get; set; } = 90;
    public double HysteresisCelsius { get; set; } = 3;

    /// <summary>Time constant of the temperature's moving average.</summary>
    public double SmoothingSeconds { get; set; } = 10;
}

public sealed class BoardThrottle
{
    /// <summary>"rpi-firmware" (get_throttled, falling back to hwmon rpi_volt) or "none".</summary>
    public string Source { get; set; } = "none";

    /// <summary>Where the firmware's get_throttled attribute may be; the first that exists is read.</summary>
    public List<string> GetThrottledPaths { get; set; } = [];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, AllowTrailingCommas = true)]
[JsonSerializable(typeof(BoardProfile))]
internal sealed partial class BoardProfileJsonContext : JsonSerializerContext;
