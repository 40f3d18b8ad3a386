namespace EdgeScaler.MetricsApi;

using EdgeScaler.Core.Metrics;
using EdgeScaler.Kubernetes.Rest;
using EdgeScaler.MetricsApi.Cluster;
using EdgeScaler.MetricsApi.Security;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>Registration for <c>edgescaler run</c>: the metrics API as a hosted service over the registered cluster view.</summary>
public static class MetricsApiServiceCollectionExtensions
{
    /// <summary>
    /// Serves <see cref="IClusterMetrics"/> (which must be registered) with <paramref name="options"/>. Security is
    /// delegated to the cluster (a <see cref="KubernetesClientConfiguration"/> from DI, else in-cluster config)
    /// unless <see cref="MetricsApiOptions.AllowAnonymous"/>. When the view is a <see cref="ClusterMetricsStore"/>,
    /// its local samples are served to peers.
    /// </summary>
    public static IServiceCollection AddEdgeScalerMetricsApi(this IServiceCollection services, MetricsApiOptions options)
    {
        services.AddSingleton(options);
        services.AddHostedService(sp => new MetricsApiHostedService(sp, options));
        return services;
    }
}

internal sealed class MetricsApiHostedService(IServiceProvider services, MetricsApiOptions options) : IHostedService, IAsyncDisposable
{
    private MetricsApiServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var metrics = services.GetRequiredService<IClusterMetrics>();
        var loggers = services.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        MetricsApiSecurity security;
        if (options.AllowAnonymous)
        {
            security = MetricsApiSecurity.Anonymous();
        }
        else
        {
            var config = services.GetService<KubernetesClientConfiguration>() ?? KubernetesClientConfiguration.InClusterConfig();
            security = await MetricsApiSecurity.DelegatingAsync(new KubernetesAuthApi(new KubeRest(config)), options,
                loggers.CreateLogger("EdgeScaler.MetricsApi.Security"), time, cancellationToken);
        }
        var store = metrics as ClusterMetricsStore;
        _server = await MetricsApiServer.StartAsync(metrics, options, security, loggers, time,
            localSamples: store is null ? null : store.LocalSamplesJson, cancellationToken: cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        var s = Interlocked.Exchange(ref _server, null);
        if (s is not null) await s.DisposeAsync();
    }
}
