namespace EdgeScaler.Telemetry.Payloads;

using System.Text.Json.Serialization;
using EdgeScaler.Telemetry.Discovery;

/// <summary>Source-generated (AOT-safe) compact JSON for every payload: snake_case, nulls left out.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(NodeStatePayload))]
[JsonSerializable(typeof(ScalerStatePayload))]
[JsonSerializable(typeof(TelemetryEvent))]
[JsonSerializable(typeof(CommandReply))]
[JsonSerializable(typeof(DeviceDiscovery))]
[JsonSerializable(typeof(DiscoveryLedgerFile))]
internal sealed partial class TelemetryJson : JsonSerializerContext;
