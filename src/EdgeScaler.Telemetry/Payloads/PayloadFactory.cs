namespace EdgeScaler.Telemetry.Payloads;

using System.Text.Json;
using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Overrides;
using EdgeScaler.Core.Scaling;
using EdgeScaler.Core.Thermal;

/// <summary>Maps the Core records onto the wire payloads. Pure.</summary>
public static class PayloadFactory
{
    public static NodeStatePayload NodeState(NodeThermal thermal, NodeUsage? usage, int podCount)
    {
        Dictionary<string, double>? zones = null;
        if (thermal.Zones.Count > 0)
        {
            zones = new Dictionary<string, double>(thermal.Zones.Count, StringComparer.Ordinal);
            foreach (var z in thermal.Zones)
            {
                // Two sensors can share a type (e.g. two "cpu-thermal" zones); keep both rather than lose one.
                var key = z.Type;
                for (var n = 2; zones.ContainsKey(key); n++) key = $"{z.Type}-{n}";
                zones[key] = Round1(z.Celsius);
            }
        }
        return new NodeStatePayload
        {
            Ts = thermal.Timestamp,
            Node = thermal.NodeName,
            TempC = thermal.HottestCelsius is { } t ? Round1(t) : null,
            Zones = zones,
            Thermal = thermal.State.ToWire(),
            Throttled = thermal.Flags?.AnyNow,
            Throttle = thermal.Flags is { } f ? Throttle(f) : null,
            FreqKhz = thermal.CpuFrequencyKHz,
            MaxFreqKhz = thermal.MaxFrequencyKHz,
            CpuM = usage is null ? null : usage.Usage.CpuNanoCores / 1_000_000,
            MemBytes = usage?.Usage.MemoryWorkingSetBytes,
            Pods = podCount,
        };
    }

    public static ThrottlePayload Throttle(ThrottleFlags f)
    {
        var since = new List<string>(4);
        if (f.UnderVoltageOccurred) since.Add("under_voltage");
        if (f.FrequencyCappedOccurred) since.Add("freq_capped");
        if (f.ThrottledOccurred) since.Add("throttled");
        if (f.SoftTempLimitOccurred) since.Add("soft_temp_limit");
        return new ThrottlePayload
        {
            UnderVoltage = f.UnderVoltageNow,
            FreqCapped = f.FrequencyCappedNow,
            Throttled = f.ThrottledNow,
            SoftTempLimit = f.SoftTempLimitNow,
            Bits = $"0x{f.ToBits():x}",
            SinceBoot = [.. since],
        };
    }

    public static ScalerStatePayload ScalerState(ScaleDecision d) => new()
    {
        Ts = d.Timestamp,
        Namespace = d.Hpa.Namespace,
        Hpa = d.Hpa.Name,
        Current = d.CurrentReplicas,
        Recommended = d.RecommendedReplicas,
        Desired = d.DesiredReplicas,
        Mode = d.Mode.ToWire(),
        Reason = d.Reason,
    };

    public static TelemetryEvent ScaleEvent(string node, ScaleDecision d) => new()
    {
        Ts = d.Timestamp,
        Node = node,
        Type = EventTypes.Scale,
        Hpa = d.Hpa.ToString(),
        From = d.CurrentReplicas,
        To = d.DesiredReplicas,
        Mode = d.Mode.ToWire(),
        Reason = d.Reason,
    };

    /// <summary>An override applied or refused through any channel (panel, CLI, MQTT).</summary>
    public static TelemetryEvent OverrideEvent(string node, OverrideRequest request, OverrideResult result, DateTimeOffset now) => new()
    {
        Ts = now,
        Node = node,
        Type = EventTypes.Override,
        Hpa = request.Hpa.ToString(),
        Source = SourceName(request.Source),
        Result = result.Accepted ? "accepted" : "rejected",
        Mode = result.Accepted ? (request.Release ? "auto" : "override") : null,
        Replicas = result.Accepted ? result.EffectiveReplicas : request.Replicas,
        Until = result.Until,
        Reason = result.Reason,
    };

    /// <summary>A command that never reached the override path (malformed, unknown HPA, out of range).</summary>
    public static TelemetryEvent RejectedCommandEvent(string node, HpaRef hpa, string reason, DateTimeOffset now) => new()
    {
        Ts = now,
        Node = node,
        Type = EventTypes.Command,
        Hpa = hpa.ToString(),
        Source = "mqtt",
        Result = "rejected",
        Reason = reason,
    };

    public static CommandReply Reply(HpaRef hpa, OverrideRequest? request, OverrideResult result) => new()
    {
        Result = result.Accepted ? "accepted" : "rejected",
        Hpa = hpa.ToString(),
        Replicas = result.Accepted ? result.EffectiveReplicas : null,
        Until = result.Accepted ? result.Until : null,
        Mode = result.Accepted && request is not null ? (request.Release ? "auto" : "override") : null,
        Reason = result.Reason,
    };

    public static byte[] ToJson(NodeStatePayload p) => JsonSerializer.SerializeToUtf8Bytes(p, TelemetryJson.Default.NodeStatePayload);

    public static byte[] ToJson(ScalerStatePayload p) => JsonSerializer.SerializeToUtf8Bytes(p, TelemetryJson.Default.ScalerStatePayload);

    public static byte[] ToJson(TelemetryEvent p) => JsonSerializer.SerializeToUtf8Bytes(p, TelemetryJson.Default.TelemetryEvent);

    public static byte[] ToJson(CommandReply p) => JsonSerializer.SerializeToUtf8Bytes(p, TelemetryJson.Default.CommandReply);

    private static string SourceName(OverrideSource s) => s switch
    {
        OverrideSource.Cli => "cli",
        OverrideSource.Panel => "panel",
        _ => "mqtt",
    };

    private static double Round1(double v) => Math.Round(v, 1, MidpointRounding.AwayFromZero);
}
