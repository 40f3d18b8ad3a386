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
        builder.AddClusterView(config.Kubernetes, config.MetricsApi);
        builder.AddScaler(config.Scaler, config.Kubernetes);
        builder.AddMetricsApi(config.MetricsApi);
        builder.AddMqttTelemetry(config.Mqtt);
        builder.AddPanel(config.Panel, config.Node.HostRoot);
        return builder;
    }
}
