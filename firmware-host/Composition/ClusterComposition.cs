namespace EdgeScaler.Host.Composition;

using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Thermal;
using EdgeScaler.Host.Agent;
using EdgeScaler.Kubernetes;
using EdgeScaler.MetricsApi;
using EdgeScaler.MetricsApi.Cluster;
using EdgeScaler.Scaler;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

/// <summary>
/// The cluster view in `run`: this node's samples → rates named through the pod inventory → <see cref="ClusterMetricsStore"/>
/// (merged with peers' samples by the metrics API area), and the node's thermal state. The Scaler reads both in-process
/// as <see cref="IClusterMetrics"/> and <see cref="IClusterThermal"/>; nothing goes over HTTP to ourselves.
/// </summary>
public static class ClusterComposition
{
    public static IHostApplicationBuilder AddClusterView(this IHostApplicationBuilder builder, KubernetesOptions kubernetes, MetricsApiOptions metricsApi)
    {
        var services = builder.Services;
        var node = NodeIdentity.Name();
        var connection = KubernetesConnection.Create(kubernetes);
        services.AddSingleton(_ => connection); // by factory, so the host disposes it (and its shared client)
        if (connection.Configuration is { } config) services.AddSingleton(config);

        services.AddSingleton(sp => new ClusterMetricsStore(node, sp.GetRequiredService<TimeProvider>(), TimeSpan.FromSeconds(metricsApi.PeerStaleAfterSeconds)));
        services.AddSingleton<IClusterMetrics>(sp => sp.GetRequiredService<ClusterMetricsStore>());
        services.AddSingleton<IPeerThermalSource>(sp => new StorePeerThermal(sp.GetRequiredService<ClusterMetricsStore>()));
        services.AddSingleton(sp => new NodeThermalTracker(node, sp.GetRequiredService<ThermalLimits>(), sp.GetRequiredService<IPeerThermalSource>()));
        services.AddSingleton<IClusterThermal>(sp => sp.GetRequiredService<NodeThermalTracker>());
        services.AddSingleton<ClusterViewFeeder>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterViewFeeder>());
        return builder;
    }
}

/// <summary>Peers' thermal states as they arrive with their samples (so the leader's policy sees every node's heat).</summary>
internal sealed class StorePeerThermal(ClusterMetricsStore store) : IPeerThermalSource
{
    public IEnumerable<KeyValuePair<string, ThermalState>> PeerStates() => store.PeerThermalStates();
}
