namespace EdgeScaler.Telemetry.Payloads;

/// <summary>The answer published on a command's MQTT 5 response topic, with the command's correlation data.</summary>
public sealed class CommandReply
{
    /// <summary>accepted | rejected.</summary>
    public string Result { get; set; } = "";
    public string Hpa { get; set; } = "";
    /// <summary>The override now in force (null when released or rejected).</summary>
    public int? Replicas { get; set; }
    public DateTimeOffset? Until { get; set; }
    /// <summary>auto after a release, override after a pin; null when rejected.</summary>
    public string? Mode { get; set; }
    public string Reason { get; set; } = "";
}
