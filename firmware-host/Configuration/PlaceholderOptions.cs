namespace EdgeScaler.Host.Configuration.Placeholders;

// Sections whose library has no options class yet. Each area replaces its placeholder by pointing the property in
// EdgeScalerConfig at `<Area>Options` in its own library, then deletes the class here. Until then a section
// accepts no keys, so nothing the code ignores can be written into it unnoticed.

/// <summary>The `metricsApi` section (placeholder until EdgeScaler.MetricsApi has MetricsApiOptions).</summary>
public sealed class MetricsApiOptions;

/// <summary>The `panel` section (placeholder until EdgeScaler.Panel has PanelOptions).</summary>
public sealed class PanelOptions;
