namespace EdgeScaler.Core.Scaling;

/// <summary>Who decided the replica count.</summary>
public enum ScaleMode
{
    Auto,
    Override,
    ThermalHold,
    ThermalShed,
}

public static class ScaleModeNames
{
    public static string ToWire(this ScaleMode m) => m switch
    {
        ScaleMode.Auto => "auto",
        ScaleMode.Override => "override",
        ScaleMode.ThermalHold => "thermal-hold",
        ScaleMode.ThermalShed => "thermal-shed",
        _ => "auto",
    };
}

/// <summary>A namespaced HPA name.</summary>
public readonly record struct HpaRef(string Namespace, string Name)
{
    public override string ToString() => $"{Namespace}/{Name}";

    public static bool TryParse(string text, out HpaRef hpa)
    {
        hpa = default;
        var slash = text.IndexOf('/');
        if (slash <= 0 || slash == text.Length - 1 || text.IndexOf('/', slash + 1) >= 0) return false;
        hpa = new HpaRef(text[..slash], text[(slash + 1)..]);
        return true;
    }
}

/// <summary>
/// The outcome of one reconcile of one HPA: what the upstream algorithm recommended,
/// what EdgeScaler's thermal policy and overrides allowed, and why. Telemetry, the panel,
/// `explain` and events all render this one record.
/// </summary>
public sealed record ScaleDecision(
    HpaRef Hpa,
    DateTimeOffset Timestamp,
    int CurrentReplicas,
    int RecommendedReplicas,
    int DesiredReplicas,
    ScaleMode Mode,
    string Reason)
{
    public bool IsRescale => DesiredReplicas != CurrentReplicas;

    /// <summary>Worst thermal state among the nodes hosting the HPA's pods (Unknown when none is known).</summary>
    public Thermal.ThermalState HostingThermalState { get; init; }

    /// <summary>The HPA's thermal policy as written on the wire ("hold", "shed", "ignore").</summary>
    public string ThermalPolicy { get; init; } = "hold";

    /// <summary>The most replicas the thermal policy allowed (null when it did not constrain).</summary>
    public int? ThermalCap { get; init; }

    /// <summary>Why the metrics could not be computed, when they could not (the current count is kept).</summary>
    public string? Error { get; init; }
}
