namespace EdgeScaler.Telemetry.Discovery;

using System.Text;
using System.Text.Json;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Telemetry.Payloads;

/// <summary>
/// Builds Home Assistant discovery configs: each node a device (temperature, thermal state, throttled),
/// each HPA a device (current and desired replicas, mode). Object ids are `edgescaler_&lt;cluster&gt;_…`, limited to
/// the characters HA allows ([a-zA-Z0-9_-]).
/// </summary>
public sealed class HomeAssistantDiscovery(string discoveryPrefix, string cluster, TopicSchema topics, string? softwareVersion, int stateExpirySeconds)
{
    public static readonly string[] ThermalStates = ["unknown", "cool", "warm", "hot", "critical"];
    public static readonly string[] Modes = ["auto", "override", "thermal-hold", "thermal-shed"];

    public string StatusTopic => $"{discoveryPrefix}/status";

    public string NodeConfigTopic => ConfigTopic(NodeObjectId);

    public string HpaConfigTopic(HpaRef hpa) => ConfigTopic(HpaObjectId(hpa));

    private string NodeObjectId => SafeId($"edgescaler_{cluster}_{topics.Node}");

    private string HpaObjectId(HpaRef hpa) => SafeId($"edgescaler_{cluster}_{hpa.Namespace}_{hpa.Name}");

    private string ConfigTopic(string objectId) => $"{discoveryPrefix}/device/{objectId}/config";

    public byte[] NodeConfig()
    {
        var id = NodeObjectId;
        var config = new DeviceDiscovery
        {
            Device = new DiscoveryDevice { Identifiers = [id], Name = topics.Node, Model = "EdgeScaler node", SoftwareVersion = softwareVersion },
            Origin = new DiscoveryOrigin { SoftwareVersion = softwareVersion },
            StateTopic = topics.NodeState,
            AvailabilityTopic = topics.Availability,
            Components =
            {
                [$"{id}_temp"] = new DiscoveryComponent
                {
                    Name = "SoC temperature", UniqueId = $"{id}_temp", DeviceClass = "temperature", Unit = "°C",
                    StateClass = "measurement", ValueTemplate = "{{ value_json.temp_c }}", ExpireAfter = stateExpirySeconds,
                },
                [$"{id}_thermal"] = new DiscoveryComponent
                {
                    Name = "Thermal state", UniqueId = $"{id}_thermal", DeviceClass = "enum", Options = ThermalStates,
                    ValueTemplate = "{{ value_json.thermal }}", ExpireAfter = stateExpirySeconds,
                },
                [$"{id}_throttled"] = new DiscoveryComponent
                {
                    Platform = "binary_sensor", Name = "Throttled", UniqueId = $"{id}_throttled", DeviceClass = "problem",
                    ValueTemplate = "{{ 'ON' if value_json.throttled else 'OFF' }}", ExpireAfter = stateExpirySeconds,
                },
                [$"{id}_pods"] = new DiscoveryComponent
                {
                    Name = "Pods", UniqueId = $"{id}_pods", StateClass = "measurement", Icon = "mdi:cube-outline",
                    ValueTemplate = "{{ value_json.pods }}", ExpireAfter = stateExpirySeconds,
                },
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(config, TelemetryJson.Default.DeviceDiscovery);
    }

    public byte[] HpaConfig(HpaRef hpa)
    {
        var id = HpaObjectId(hpa);
        var config = new DeviceDiscovery
        {
            Device = new DiscoveryDevice { Identifiers = [id], Name = $"HPA {hpa}", Model = "EdgeScaler HPA", SoftwareVersion = softwareVersion },
            Origin = new DiscoveryOrigin { SoftwareVersion = softwareVersion },
            StateTopic = topics.ScalerState(hpa),
            Components =
            {
                [$"{id}_replicas"] = new DiscoveryComponent
                {
                    Name = "Replicas", UniqueId = $"{id}_replicas", StateClass = "measurement", Icon = "mdi:counter",
                    ValueTemplate = "{{ value_json.current }}",
                },
                [$"{id}_desired"] = new DiscoveryComponent
                {
                    Name = "Desired replicas", UniqueId = $"{id}_desired", StateClass = "measurement", Icon = "mdi:target",
                    ValueTemplate = "{{ value_json.desired }}",
                },
                [$"{id}_mode"] = new DiscoveryComponent
                {
                    Name = "Mode", UniqueId = $"{id}_mode", DeviceClass = "enum", Options = Modes,
                    ValueTemplate = "{{ value_json.mode }}",
                },
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(config, TelemetryJson.Default.DeviceDiscovery);
    }

    /// <summary>Replaces every character HA does not accept in an id with '_'.</summary>
    public static string SafeId(string raw)
    {
        var sb = new StringBuilder(raw.Length);
        foreach (var c in raw) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        return sb.ToString();
    }
}
