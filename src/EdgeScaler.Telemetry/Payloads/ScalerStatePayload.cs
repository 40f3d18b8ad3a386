namespace EdgeScaler.Telemetry.Payloads;

/// <summary>`&lt;prefix&gt;/scaler/&lt;ns&gt;/&lt;hpa&gt;/state`: the latest decision for one HPA, retained.</summary>
public sealed class ScalerStatePayload
{
    public int V { get; set; } = 1;
    public DateTimeOffset Ts { get; set; }
    public string Namespace { get; set; } = "";
    public string Hpa { get; set; } = "";
    public int Current { get; set; }
    public int Recommended { get; set; }
    public int Desired { get; set; }
    /// <summary>auto | override | thermal-hold | thermal-shed.</summary>
    public string Mode { get; set; } = "auto";
    public string Reason { get; set; } = "";
}
