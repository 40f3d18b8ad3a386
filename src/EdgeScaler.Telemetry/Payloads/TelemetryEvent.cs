namespace EdgeScaler.Telemetry.Payloads;

/// <summary>
/// `&lt;prefix&gt;/events`: one scale action, override or command answer. <see cref="Seq"/> rises by one per node and survives
/// restarts, so consumers can order events and notice a gap (journal overflow) or a redelivery. <see cref="Epoch"/> names
/// the journal that numbered it: a deleted journal starts again at seq 1 under a new epoch, so (node, epoch, seq) is unique.
/// </summary>
public sealed class TelemetryEvent
{
    public int V { get; set; } = 1;
    public long Seq { get; set; }
    /// <summary>The journal's epoch (16 hex digits); added within version 1.</summary>
    public string? Epoch { get; set; }
    public DateTimeOffset Ts { get; set; }
    public string Node { get; set; } = "";
    /// <summary>scale | override | command.</summary>
    public string Type { get; set; } = "";
    /// <summary>namespace/name.</summary>
    public string Hpa { get; set; } = "";
    public int? From { get; set; }
    public int? To { get; set; }
    public string? Mode { get; set; }
    /// <summary>For override and command events: mqtt | panel | cli.</summary>
    public string? Source { get; set; }
    /// <summary>For override and command events: accepted | rejected.</summary>
    public string? Result { get; set; }
    public int? Replicas { get; set; }
    public DateTimeOffset? Until { get; set; }
    public string Reason { get; set; } = "";
}

public static class EventTypes
{
    public const string Scale = "scale";
    public const string Override = "override";
    public const string Command = "command";
}
