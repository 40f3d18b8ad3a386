namespace EdgeScaler.Host.Composition;

using EdgeScaler.Host.Configuration;
using Microsoft.Extensions.Hosting;

/// <summary>
/// `edgescaler run`: the whole agent. Each area adds its services in its own file in this folder
/// (`&lt;Area&gt;Composition.cs`, an extension method taking its options section) and one line below.
/// </summary>
public static class AgentComposition
{
    public static IHostApplicationBuilder AddAgent(this IHostApplicationBuilder builder, EdgeScalerConfig config)
    {
        builder.AddHostBasics(config);
        builder.AddNodeSampling(config.Node);
        builder.AddScaler(config.Scaler, config.Kubernetes);
        builder.AddMqttTelemetry(config.Mqtt);
        // Next areas, one line each, e.g.:
        // builder.AddMetricsApi(config.MetricsApi);
        // builder.AddPanel(config.Panel);
        return builder;
    }
}
