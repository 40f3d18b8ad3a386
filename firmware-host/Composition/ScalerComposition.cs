namespace EdgeScaler.Host.Composition;

using EdgeScaler.Kubernetes;
using EdgeScaler.Scaler;
using Microsoft.Extensions.Hosting;

/// <summary>
/// The Scaler area in `run`: API client, leader election, the HPA controller and the override sink
/// (see <see cref="ScalerServiceCollectionExtensions.AddEdgeScalerScaler"/>). Options were validated by the config loader.
/// </summary>
public static class ScalerComposition
{
    public static IHostApplicationBuilder AddScaler(this IHostApplicationBuilder builder, ScalerOptions scaler, KubernetesOptions kubernetes)
    {
        builder.Services.AddEdgeScalerScaler(scaler, kubernetes);
        return builder;
    }
}
