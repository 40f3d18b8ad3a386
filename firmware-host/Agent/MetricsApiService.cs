namespace EdgeScaler.Host.Agent;

using EdgeScaler.MetricsApi;
using EdgeScaler.MetricsApi.Cluster;
using EdgeScaler.MetricsApi.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>
/// The metrics.k8s.io server over the cluster view, and the puller that merges peers' samples into it. A server
/// that cannot start (port taken, certificate unreadable, no API to authenticate against) costs only the API:
/// one error line, and the agent keeps sampling, scaling and publishing.
/// </summary>
public sealed class MetricsApiService(
    MetricsApiOptions options,
    ClusterMetricsStore store,
    KubernetesConnection kubernetes,
    TimeProvider time,
    ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _log = loggers.CreateLogger<MetricsApiService>();
    private MetricsApiServer? _server;
    private MetricsApiSecurity? _security;
    private PeerPuller? _puller;
    private KubernetesPodSource? _peerSource;

    /// <summary>The running server, or null when it could not start.</summary>
    public MetricsApiServer? Server => _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _security = await SecurityAsync(cancellationToken);
            _server = await MetricsApiServer.StartAsync(store, options, _security, loggers, time,
                localSamples: store.LocalSamplesJson, cancellationToken: cancellationToken);
            _log.LogInformation("metrics.k8s.io served at {Address} ({Auth})", _server.Address,
                options.AllowAnonymous ? "anonymous, loopback only" : "authenticated through the Kubernetes API");
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException
            or System.Security.Cryptography.CryptographicException or System.Net.Sockets.SocketException or HttpRequestException)
        {
            _log.LogError("metrics API not served: {Error}", Innermost(e).Message);
            if (_security is { } s) await s.DisposeAsync();
            _security = null;
            return;
        }
        StartPeers();
    }

    private async Task<MetricsApiSecurity> SecurityAsync(CancellationToken cancellationToken)
    {
        if (options.AllowAnonymous) return MetricsApiSecurity.Anonymous();
        if (kubernetes.Rest is not { } rest)
            throw new InvalidOperationException($"requests cannot be authenticated ({kubernetes.Description}); " +
                "give kubernetes.kubeconfig, or for local use only set metricsApi.allowAnonymous with listenAddress 127.0.0.1");
        return await MetricsApiSecurity.DelegatingAsync(new KubernetesAuthApi(rest), options,
            loggers.CreateLogger("EdgeScaler.MetricsApi.Security"), time, cancellationToken);
    }

    private void StartPeers()
    {
        var directories = new List<IPeerDirectory>();
        if (options.Peers.Count > 0) directories.Add(new StaticPeerDirectory(options.Peers));
        if (!string.IsNullOrEmpty(options.PeerLabelSelector))
        {
            if (kubernetes.Rest is { } rest)
            {
                _peerSource = new KubernetesPodSource(rest.Connection);
                directories.Add(new KubernetesPeerDirectory(_peerSource, options.PeerNamespace, options.PeerLabelSelector, options.Port, store.NodeName));
            }
            else
            {
                _log.LogWarning("metricsApi.peerLabelSelector ignored: {Reason}", kubernetes.Description);
            }
        }
        if (directories.Count == 0) return; // a single-node view: this agent answers for itself
        try
        {
            _puller = new PeerPuller(store, new CombinedPeerDirectory([.. directories]), PeerPuller.CreateHandler(options), options,
                loggers.CreateLogger<PeerPuller>(), time);
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException)
        {
            _log.LogError("peers not pulled (this node answers for itself only): {Error}", e.Message);
            return;
        }
        if (_server is { } server) _puller.RegisterMetrics(server.Stats);
        _puller.Start();
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _puller, null) is { } puller) await puller.DisposeAsync();
        if (Interlocked.Exchange(ref _server, null) is { } server) await server.DisposeAsync();
        if (Interlocked.Exchange(ref _security, null) is { } security) await security.DisposeAsync();
        Interlocked.Exchange(ref _peerSource, null)?.Dispose();
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is { } inner) e = inner;
        return e;
    }
}
