namespace EdgeScaler.Telemetry.Discovery;

using System.Text.Json.Serialization;

/// <summary>
/// Home Assistant device-based discovery config (`&lt;discovery_prefix&gt;/device/&lt;object_id&gt;/config`):
/// one device with its entities under `cmps`, sharing the state and availability topics at the root.
/// </summary>
public sealed class DeviceDiscovery
{
    [JsonPropertyName("dev")] public DiscoveryDevice Device { get; set; } = new();
    [JsonPropertyName("o")] public DiscoveryOrigin Origin { get; set; } = new();
    [JsonPropertyName("cmps")] public Dictionary<string, DiscoveryComponent> Components { get; set; } = [];
    [JsonPropertyName("state_topic")] public string StateTopic { get; set; } = "";
    [JsonPropertyName("availability_topic")] public string? AvailabilityTopic { get; set; }
    [JsonPropertyName("qos")] public int Qos { get; set; } = 1;
}

public sealed class DiscoveryDevice
{
    [JsonPropertyName("ids")] public string[] Identifiers { get; set; } = [];
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("mf")] public string Manufacturer { get; set; } = "EdgeScaler";
    [JsonPropertyName("mdl")] public string Model { get; set; } = "";
    [JsonPropertyName("sw")] public string? SoftwareVersion { get; set; }
    [JsonPropertyName("via_device")] public string? ViaDevice { get; set; }
}

public sealed class DiscoveryOrigin
{
    [JsonPropertyName("name")] public string Name { get; set; } = "edgescaler";
    [JsonPropertyName("sw")] public string? SoftwareVersion { get; set; }
}

public sealed class DiscoveryComponent
{
    [JsonPropertyName("p")] public string Platform { get; set; } = "sensor";
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("unique_id")] public string UniqueId { get; set; } = "";
    [JsonPropertyName("value_template")] public string ValueTemplate { get; set; } = "";
    [JsonPropertyName("device_class")] public string? DeviceClass { get; set; }
    [JsonPropertyName("unit_of_measurement")] public string? Unit { get; set; }
    [JsonPropertyName("state_class")] public string? StateClass { get; set; }
    [JsonPropertyName("options")] public string[]? Options { get; set; }
    [JsonPropertyName("entity_category")] public string? EntityCategory { get; set; }
    [JsonPropertyName("expire_after")] public int? ExpireAfter { get; set; }
    [JsonPropertyName("icon")] public string? Icon { get; set; }
}
