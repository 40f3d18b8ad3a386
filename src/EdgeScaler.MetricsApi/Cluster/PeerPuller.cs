namespace EdgeScaler.MetricsApi.Cluster;

using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using EdgeScaler.MetricsApi.Serving;
using Microsoft.Extensions.Logging;

/// <summary>
/// Pulls every peer's local samples over HTTPS (mutual TLS or a bearer token), all peers in parallel, each with its
/// own timeout, on a fixed period. Results go to the <see cref="ClusterMetricsStore"/>; nothing waits on this, so a
/// slow or dead peer costs at most one timeout of its own round and never delays an API answer. Peer up/down
/// transitions are logged once each.
/// </summary>
public sealed class PeerPuller : IAsyncDisposable
{
    private readonly ClusterMetricsStore _store;
    private readonly IPeerDirectory _directory;
    private readonly HttpClient _http;
    private readonly TimeSpan _period;
    private readonly TimeSpan _timeout;
    private readonly string? _tokenFile;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, bool> _up = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _lastDurations = new(StringComparer.Ordinal);
    private Task? _loop;
    private long _pulls, _failures;

    public PeerPuller(ClusterMetricsStore store, IPeerDirectory directory, HttpMessageHandler handler, MetricsApiOptions options, ILogger log, TimeProvider? time = null)
    {
        _store = store;
        _directory = directory;
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _period = TimeSpan.FromSeconds(Math.Max(1, options.PeerPollSeconds));
        _timeout = TimeSpan.FromSeconds(Math.Max(1, options.PeerTimeoutSeconds));
        _tokenFile = string.IsNullOrEmpty(options.PeerClientCertFile) ? options.PeerTokenFile : null;
        _log = log;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The TLS transport for peers from the options: client certificate, server CA (or no verification).</summary>
    public static SocketsHttpHandler CreateHandler(MetricsApiOptions options)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(Math.Max(1, options.PeerTimeoutSeconds)) };
        if (!string.IsNullOrEmpty(options.PeerClientCertFile))
            handler.SslOptions.ClientCertificates = [Security.ServingCertificate.FromPemFiles(options.PeerClientCertFile, options.PeerClientKeyFile ?? options.PeerClientCertFile)];
        if (options.PeerInsecureSkipVerify)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (!string.IsNullOrEmpty(options.PeerServerCaFile))
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(options.PeerServerCaFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
            {
                if (cert is null) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
            };
        }
        return handler;
    }

    public long Pulls => Interlocked.Read(ref _pulls);
    public long Failures => Interlocked.Read(ref _failures);

    public void RegisterMetrics(SelfMetrics stats)
    {
        stats.AddGauge("edgescaler_peer_pulls_total", "Pulls of peers' local samples.", () => [("", Pulls)]);
        stats.AddGauge("edgescaler_peer_pull_failures_total", "Pulls of peers' local samples that failed or timed out.", () => [("", Failures)]);
        stats.AddGauge("edgescaler_peer_up", "1 when the peer answered its last pull.", () =>
        {
            lock (_up) return _up.Select(p => ($"peer=\"{p.Key}\"", p.Value ? 1.0 : 0.0)).ToList();
        });
        stats.AddGauge("edgescaler_peer_pull_duration_seconds", "Duration of the last pull of each peer.", () =>
        {
            lock (_up) return _lastDurations.Select(p => ($"peer=\"{p.Key}\"", p.Value)).ToList();
        });
    }

    public void Start() => _loop = Task.Run(LoopAsync, CancellationToken.None);

    /// <summary>One round: every peer in parallel. Public for tests and for a first round at start.</summary>
    public async Task PullOnceAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string> peers;
        try { peers = await _directory.PeersAsync(cancellationToken); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.LogWarning("finding peers failed: {Error}", e.Message);
            return;
        }
        string? token = null;
        if (_tokenFile is not null && File.Exists(_tokenFile))
        {
            try { token = (await File.ReadAllTextAsync(_tokenFile, cancellationToken)).Trim(); }
            catch (IOException e) { _log.LogWarning("reading peer token {File} failed: {Error}", _tokenFile, e.Message); }
        }
        await Task.WhenAll(peers.Select(p => PullAsync(p, token, cancellationToken)));
        lock (_up)
        {
            foreach (var gone in _up.Keys.Except(peers).ToList()) { _up.Remove(gone); _lastDurations.Remove(gone); }
        }
    }

    private async Task PullAsync(string peer, string? token, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _pulls);
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        string? error = null;
        try
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, peer.TrimEnd('/') + MetricsApiHandler.LocalSamplesPath);
            if (token is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var res = await _http.SendAsync(req, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var body = await res.Content.ReadAsByteArrayAsync(timeout.Token);
            if (!res.IsSuccessStatusCode) error = $"HTTP {(int)res.StatusCode}";
            else _store.SetPeer(peer, LocalSamples.FromJson(body));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = $"no answer within {_timeout.TotalSeconds:0.#}s";
        }
        catch (Exception e) when (e is HttpRequestException or FormatException or IOException or System.Security.Authentication.AuthenticationException)
        {
            error = e.Message;
        }
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        bool? wasUp;
        lock (_up)
        {
            wasUp = _up.TryGetValue(peer, out var u) ? u : null;
            _up[peer] = error is null;
            _lastDurations[peer] = elapsed;
        }
        if (error is not null)
        {
            Interlocked.Increment(ref _failures);
            if (wasUp != false) _log.LogWarning("peer {Peer} did not answer: {Error}; its data is dropped after {Stale}s without an answer", peer, error, _store.PeerStaleAfter.TotalSeconds);
        }
        else if (wasUp != true)
        {
            _log.LogInformation("peer {Peer} answers", peer);
        }
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(_period, _time);
        try
        {
            do await PullOnceAsync(_stop.Token);
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        _stop.Dispose();
        _http.Dispose();
    }
}
