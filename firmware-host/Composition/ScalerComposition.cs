namespace EdgeScaler.Host.Composition;

using EdgeScaler.Host.Agent;
using EdgeScaler.Kubernetes;
using EdgeScaler.Scaler;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

/// <summary>
/// The Scaler area in `run`: API client, leader election, the HPA controller and the override sink
/// (see <see cref="ScalerServiceCollectionExtensions.AddEdgeScalerScaler(IServiceCollection, ScalerOptions, KubernetesOptions, Func{IServiceProvider, SharedKubeClient?})"/>).
/// Options were validated by the config loader. The API client is the cluster view's <see cref="KubernetesConnection"/>:
/// one kubeconfig read and one Scaler client per process.
/// </summary>
public static class ScalerComposition
{
    public static IHostApplicationBuilder AddScaler(this IHostApplicationBuilder builder, ScalerOptions scaler, KubernetesOptions kubernetes)
    {
        builder.Services.AddEdgeScalerScaler(scaler, kubernetes, sp =>
            sp.GetService<KubernetesConnection>() is { } connection ? new SharedKubeClient(connection.Rest, connection.Description) : null);
        return builder;
    }
}
