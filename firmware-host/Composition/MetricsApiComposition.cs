namespace EdgeScaler.Host.Composition;

using EdgeScaler.Host.Agent;
using EdgeScaler.MetricsApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

/// <summary>
/// The metrics API area in `run`: metrics.k8s.io (and the peers' local-samples endpoint) over the cluster view from
/// <see cref="ClusterComposition"/>, plus pulling peers into it. Off with `metricsApi.enabled: false`.
/// </summary>
public static class MetricsApiComposition
{
    public static IHostApplicationBuilder AddMetricsApi(this IHostApplicationBuilder builder, MetricsApiOptions options)
    {
        if (!options.Enabled) return builder;
        builder.Services.AddSingleton<MetricsApiService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MetricsApiService>());
        return builder;
    }
}
