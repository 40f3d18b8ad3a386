namespace EdgeScaler.Host.Configuration;

using EdgeScaler.Panel;

/// <summary>
/// The root of `edgescaler.json`: one section per area. An area adds (or retypes) exactly one property here,
/// pointing at the plain `&lt;Area&gt;Options` class in its own library; binding, unknown-key detection, type
/// checks and env overrides then cover every key in it without further wiring (see docs/configuration.md).
/// </summary>
public sealed class EdgeScalerConfig
{
    /// <summary>Lowest level of log line written: trace, debug, information, warning, error or critical.</summary>
    public LogLevelSetting LogLevel { get; set; } = LogLevelSetting.Information;

    public EdgeScaler.Node.NodeOptions Node { get; set; } = new();

    public EdgeScaler.Kubernetes.KubernetesOptions Kubernetes { get; set; } = new();

    public EdgeScaler.Scaler.ScalerOptions Scaler { get; set; } = new();

    public EdgeScaler.MetricsApi.MetricsApiOptions MetricsApi { get; set; } = new();

    public EdgeScaler.Telemetry.TelemetryOptions Mqtt { get; set; } = new();

    public PanelOptions Panel { get; set; } = new();
}

/// <summary>Mirrors Microsoft.Extensions.Logging.LogLevel without "none", so the config file names a real level.</summary>
public enum LogLevelSetting { Trace, Debug, Information, Warning, Error, Critical }
