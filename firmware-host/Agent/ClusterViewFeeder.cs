namespace EdgeScaler.Host.Agent;

using EdgeScaler.Core.Metrics;
using EdgeScaler.MetricsApi.Cluster;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>
/// Turns this node's samples into the cluster view (metrics-server's scraper → storage step): every sample is
/// classified thermally, and every pair of samples becomes rates named through the pod inventory and stored as
/// this agent's local usage. The inventory lists and watches the node's pods in the background; until it has, the
/// view carries the node's usage only (pods are never reported under a guessed name).
/// </summary>
public sealed class ClusterViewFeeder(
    NodeSampleFeed feed,
    ClusterMetricsStore store,
    NodeThermalTracker thermal,
    KubernetesConnection kubernetes,
    TimeProvider time,
    ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _log = loggers.CreateLogger<ClusterViewFeeder>();
    private PodInventory? _inventory;
    private KubernetesPodSource? _podSource;
    private bool _ratesFailedLogged;

    /// <summary>Null when there is no API client (pods cannot be named, so only the node's usage is served).</summary>
    public PodInventory? Inventory => _inventory;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (kubernetes.Rest is { } rest)
        {
            _podSource = new KubernetesPodSource(rest.Connection);
            _inventory = new PodInventory(_podSource, store.NodeName, loggers.CreateLogger<PodInventory>(), time);
            // Never hold up start-up (and READY=1) on the API: the inventory lists in the background.
            await _inventory.StartAsync(TimeSpan.Zero, cancellationToken);
        }
        else
        {
            _log.LogWarning("Pod metrics not served: {Reason}; node usage and thermal state still are", kubernetes.Description);
        }
        feed.Sampled += OnSampled;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        feed.Sampled -= OnSampled;
        return Task.CompletedTask;
    }

    private void OnSampled(NodeSampleFeed.SamplePair pair)
    {
        if (pair.Latest is not { } latest) return;
        try
        {
            try
            {
                // Rates first: observers of the thermal update (MQTT node state) read this sample's usage from the store.
                if (pair.Previous is { } previous)
                    store.UpdateLocal(UsageRates.Compute(previous.Counters, latest.Counters), _inventory);
            }
            finally
            {
                store.SetLocalThermal(thermal.Observe(latest).State);
            }
            _ratesFailedLogged = false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug rather than a host condition (those arrive as sample problems): keep sampling, say it once.
            if (!_ratesFailedLogged) _log.LogError("Cluster view not updated: {Error}", e.Message);
            _ratesFailedLogged = true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Idempotent: the container disposes this once as itself and once as the hosted service it also is.
        if (Interlocked.Exchange(ref _inventory, null) is { } inventory) await inventory.DisposeAsync();
        Interlocked.Exchange(ref _podSource, null)?.Dispose();
    }
}
