namespace EdgeScaler.MetricsApi.Tests;

using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text.Json;
using EdgeScaler.Core.Metrics;
using EdgeScaler.MetricsApi.Cluster;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

/// <summary>
/// The cluster view end to end: real agents (MetricsApiServer over TLS on 127.0.0.1:0) serving their local samples,
/// one agent pulling the others with mutual TLS or a bearer token (reviewed by the Kubernetes API stand-in), merged
/// answers read through that agent's own API. Peers that die, come back, or hang are handled within their bounds.
/// </summary>
public class PeerClusterStandInTests : IAsyncLifetime
{
    private const string PeerName = "edgescaler-peer";
    private const string PeerUser = "system:serviceaccount:kube-system:edgescaler";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset T = FixedClusterMetrics.SampleTime;

    private AuthStandIn _kube = null!;
    private string _dir = null!;
    private readonly TestCa _servingCa = new("serving-ca");
    private readonly TestCa _peerCa = new("peer-ca");
    private string _servingCaFile = null!;
    private string _peerCaFile = null!;
    private readonly List<IAsyncDisposable> _owned = [];

    public async Task InitializeAsync()
    {
        _kube = await AuthStandIn.StartAsync();
        _dir = Directory.CreateTempSubdirectory("es-peers-").FullName;
        _servingCaFile = Path.Combine(_dir, "serving-ca.crt");
        File.WriteAllText(_servingCaFile, _servingCa.Pem);
        _peerCaFile = Path.Combine(_dir, "peer-ca.crt");
        File.WriteAllText(_peerCaFile, _peerCa.Pem);
    }

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync();
        await _kube.DisposeAsync();
        _servingCa.Dispose();
        _peerCa.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private T Own<T>(T item) where T : IAsyncDisposable
    {
        _owned.Add(item);
        return item;
    }

    /// <summary>A peer agent: its own node and pods, served to peers behind real delegated security.</summary>
    private async Task<MetricsApiServer> StartPeerAsync(string node, int port = 0, params PodUsage[] pods)
    {
        var store = new ClusterMetricsStore(node);
        store.SetLocal(new NodeUsage(node, T, TimeSpan.FromSeconds(15), new ResourceUsage(100_000_000, 512L * 1024 * 1024)) { Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = node } }, pods);
        using var serving = _servingCa.IssueServer(node);
        var (cert, key) = TestCa.WritePem(serving, _dir, node + "-serving");
        var options = new MetricsApiOptions
        {
            ListenAddress = "127.0.0.1", Port = port, CertDirectory = Path.Combine(_dir, node), TlsCertFile = cert, TlsKeyFile = key,
            PeerClientCaFile = _peerCaFile, PeerAllowedNames = [PeerName],
        };
        var security = await MetricsApiSecurity.DelegatingAsync(_kube.AuthApi(), options, NullLogger.Instance);
        return Own(await MetricsApiServer.StartAsync(store, options, security, localSamples: store.LocalSamplesJson));
    }

    private static PodUsage Pod(string ns, string name, string node, string app) =>
        FixedClusterMetrics.Pod(ns, name, node, new() { ["app"] = app }, ("main", 1_000_000, 8L * 1024 * 1024));

    /// <summary>The pulling agent: its store (on <paramref name="time"/>), its own API (loopback, anonymous) and a client for it.</summary>
    private async Task<(ClusterMetricsStore Store, RunningServer Api)> StartFirstAgentAsync(TimeProvider? time = null)
    {
        var store = new ClusterMetricsStore("edge-1", time, TimeSpan.FromSeconds(60));
        store.SetLocal(new NodeUsage("edge-1", T, TimeSpan.FromSeconds(15), new ResourceUsage(200_000_000, 256L * 1024 * 1024)), [Pod("shop", "db-0", "edge-1", "db")]);
        return (store, Own(await RunningServer.StartAnonymousAsync(store)));
    }

    private MetricsApiOptions MutualTlsPullerOptions(string clientCn = PeerName, string? serverCaFile = null)
    {
        using var client = _peerCa.IssueClient(clientCn);
        var (cert, key) = TestCa.WritePem(client, _dir, "puller-" + clientCn);
        return new MetricsApiOptions { PeerClientCertFile = cert, PeerClientKeyFile = key, PeerServerCaFile = serverCaFile ?? _servingCaFile, PeerTimeoutSeconds = 15 };
    }

    private PeerPuller Puller(ClusterMetricsStore store, IPeerDirectory peers, MetricsApiOptions options) =>
        Own(new PeerPuller(store, peers, PeerPuller.CreateHandler(options), options, NullLogger.Instance));

    private static async Task<List<string>> NamesAsync(RunningServer api, string path)
    {
        var (code, _, json, body) = await api.GetAsync(path);
        Assert.True(code == HttpStatusCode.OK, body);
        return json!.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("metadata") is var m && m.TryGetProperty("namespace", out var ns) ? $"{ns.GetString()}/{m.GetProperty("name").GetString()}" : m.GetProperty("name").GetString()!)
            .ToList();
    }

    private const string Nodes = "/apis/metrics.k8s.io/v1beta1/nodes";
    private const string Pods = "/apis/metrics.k8s.io/v1beta1/pods";

    [Fact]
    public async Task MutualTlsPeersAreMergedIntoTheFirstAgentsAnswers()
    {
        var b = await StartPeerAsync("edge-2", 0, Pod("shop", "web-b", "edge-2", "web"), Pod("kube-system", "coredns-1", "edge-2", "dns"));
        var c = await StartPeerAsync("edge-3", 0, Pod("shop", "web-a", "edge-3", "web"));
        var (store, api) = await StartFirstAgentAsync();
        var options = MutualTlsPullerOptions();
        var puller = Puller(store, new StaticPeerDirectory([b.Address.ToString(), c.Address.ToString()]), options);
        puller.RegisterMetrics(api.Server.Stats);

        Assert.Equal(["edge-1"], await NamesAsync(api, Nodes));
        await puller.PullOnceAsync(CancellationToken.None);

        Assert.Equal(0, puller.Failures);
        Assert.Equal(["edge-1", "edge-2", "edge-3"], await NamesAsync(api, Nodes));
        Assert.Equal(["kube-system/coredns-1", "shop/db-0", "shop/web-a", "shop/web-b"], await NamesAsync(api, Pods));
        Assert.Equal(["shop/web-a", "shop/web-b"], await NamesAsync(api, "/apis/metrics.k8s.io/v1/namespaces/shop/pods?labelSelector=app%3Dweb"));
        var (_, _, node, _) = await api.GetAsync(Nodes + "/edge-3");
        Assert.Equal("100m", node!.RootElement.GetProperty("usage").GetProperty("cpu").GetString());
        Assert.Equal("15s", node.RootElement.GetProperty("window").GetString());

        // Peers were let in by their certificate alone: no TokenReview, no SubjectAccessReview.
        Assert.Empty(_kube.TokenReviews);
        Assert.Empty(_kube.AccessReviews);
        var (_, _, _, metrics) = await api.GetAsync("/metrics");
        Assert.Contains($"edgescaler_peer_up{{peer=\"{b.Address.ToString().TrimEnd('/')}\"}} 1", metrics);
    }

    [Fact]
    public async Task PeerCertificatesOutsideTheAllowedNamesOrCaAreRefusedAndMayReadNothingElse()
    {
        var b = await StartPeerAsync("edge-2", 0, Pod("shop", "web-b", "edge-2", "web"));
        var (store, api) = await StartFirstAgentAsync();
        var intruder = Puller(store, new StaticPeerDirectory([b.Address.ToString()]), MutualTlsPullerOptions("intruder"));
        await intruder.PullOnceAsync(CancellationToken.None);
        Assert.Equal(1, intruder.Failures);
        Assert.Equal(["edge-1"], await NamesAsync(api, Nodes));

        // A genuine peer certificate opens the local samples, and nothing else.
        using var peerCert = _peerCa.IssueClient(PeerName);
        using var client = RunningServer.NewClient(b, clientCert: peerCert);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/apis/edgescaler.io/v1/localsamples")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(Pods)).StatusCode);
    }

    [Fact]
    public async Task PeerWithAServingCertificateFromAnotherCaIsNotTrusted()
    {
        var b = await StartPeerAsync("edge-2", 0, Pod("shop", "web-b", "edge-2", "web"));
        var (store, api) = await StartFirstAgentAsync();
        using var otherCa = new TestCa("other-serving-ca");
        var otherCaFile = Path.Combine(_dir, "other-ca.crt");
        File.WriteAllText(otherCaFile, otherCa.Pem);
        var puller = Puller(store, new StaticPeerDirectory([b.Address.ToString()]), MutualTlsPullerOptions(serverCaFile: otherCaFile));
        await puller.PullOnceAsync(CancellationToken.None);
        Assert.Equal(1, puller.Failures);
        Assert.Equal(["edge-1"], await NamesAsync(api, Nodes));
    }

    [Fact]
    public async Task BearerTokenPeerIsReviewedMergedAndTheTokenFileIsReReadEachRound()
    {
        var b = await StartPeerAsync("edge-2", 0, Pod("shop", "web-b", "edge-2", "web"));
        var (store, api) = await StartFirstAgentAsync();
        _kube.Tokens["token-1"] = (PeerUser, ["system:serviceaccounts"]);
        _kube.Allow = spec => spec["user"]?.GetValue<string>() == PeerUser && spec["resourceAttributes"]?["verb"]?.GetValue<string>() == "list"
            && spec["resourceAttributes"]?["resource"]?.GetValue<string>() == "pods";
        var tokenFile = Path.Combine(_dir, "token");
        File.WriteAllText(tokenFile, "token-1\n");
        var options = new MetricsApiOptions { PeerTokenFile = tokenFile, PeerServerCaFile = _servingCaFile, PeerTimeoutSeconds = 15 };
        var puller = Puller(store, new StaticPeerDirectory([b.Address.ToString()]), options);

        await puller.PullOnceAsync(CancellationToken.None);
        Assert.Equal(0, puller.Failures);
        Assert.Equal(["edge-1", "edge-2"], await NamesAsync(api, Nodes));
        Assert.Equal(["token-1"], _kube.TokenReviews);
        Assert.Equal("list", Assert.Single(_kube.AccessReviews)["resourceAttributes"]!["verb"]!.GetValue<string>());

        // The projected token rotates: the next round sends the new one.
        _kube.Tokens.Clear();
        _kube.Tokens["token-2"] = (PeerUser, ["system:serviceaccounts"]);
        File.WriteAllText(tokenFile, "token-2\n");
        await puller.PullOnceAsync(CancellationToken.None);
        Assert.Equal(0, puller.Failures);
        Assert.Contains("token-2", _kube.TokenReviews);

        // A token the cluster rejects is a failed pull, not merged data.
        File.WriteAllText(tokenFile, "stolen\n");
        await puller.PullOnceAsync(CancellationToken.None);
        Assert.Equal(1, puller.Failures);
    }

    [Fact]
    public async Task PeerThatStopsAnsweringIsDroppedAfterStaleAfterAndComesBack()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var b = await StartPeerAsync("edge-2", 0, Pod("shop", "web-b", "edge-2", "web"));
        var c = await StartPeerAsync("edge-3", 0, Pod("shop", "web-c", "edge-3", "web"));
        var cPort = c.Port;
        var (store, api) = await StartFirstAgentAsync(time);
        var puller = Puller(store, new StaticPeerDirectory([b.Address.ToString(), c.Address.ToString()]), MutualTlsPullerOptions());
        puller.RegisterMetrics(api.Server.Stats);
        await puller.PullOnceAsync(CancellationToken.None);
        Assert.Equal(["edge-1", "edge-2", "edge-3"], await NamesAsync(api, Nodes));

        await c.DisposeAsync(); // edge-3's agent dies
        time.Advance(TimeSpan.FromSeconds(30));
        await puller.PullOnceAsync(CancellationToken.None);
        Assert.Equal(1, puller.Failures);
        Assert.Equal(["edge-1", "edge-2", "edge-3"], await NamesAsync(api, Nodes)); // last answer 30 s ago: still served
        var (_, _, _, metrics) = await api.GetAsync("/metrics");
        Assert.Contains($"edgescaler_peer_up{{peer=\"https://127.0.0.1:{cPort}\"}} 0", metrics);

        time.Advance(TimeSpan.FromSeconds(31)); // 61 s since edge-3's last answer, 31 s since edge-2's
        Assert.Equal(["edge-1", "edge-2"], await NamesAsync(api, Nodes));
        Assert.Equal(["shop/db-0", "shop/web-b"], await NamesAsync(api, Pods));

        // It restarts on the same address and is back with the next round.
        await StartPeerAsync("edge-3", cPort, Pod("shop", "web-c", "edge-3", "web"));
        await puller.PullOnceAsync(CancellationToken.None);
        Assert.Equal(["edge-1", "edge-2", "edge-3"], await NamesAsync(api, Nodes));
        Assert.Equal(["shop/db-0", "shop/web-b", "shop/web-c"], await NamesAsync(api, Pods));
    }

    [Fact]
    public async Task PeerThatAcceptsButNeverAnswersDelaysNeitherAnswersNorTheRound()
    {
        var b = await StartPeerAsync("edge-2", 0, Pod("shop", "web-b", "edge-2", "web"));
        await using var hung = await HungTlsPeer.StartAsync(_servingCa);
        var (store, api) = await StartFirstAgentAsync();
        var peers = new StaticPeerDirectory([b.Address.ToString(), hung.Address]);

        // A round with a long peer timeout is still waiting on the hung peer: answers come from the last snapshot meanwhile.
        var patient = Puller(store, peers, Set(MutualTlsPullerOptions(), 600));
        using var stop = new CancellationTokenSource();
        var round = patient.PullOnceAsync(stop.Token);
        var deadline = DateTime.UtcNow + Patience;
        while ((hung.Accepted == 0 || !(await NamesAsync(api, Nodes)).Contains("edge-2")) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(["edge-1", "edge-2"], await NamesAsync(api, Nodes)); // edge-2 merged as soon as it answered
        Assert.False(round.IsCompleted);                                     // while the round still waits on the hung peer
        Assert.True(hung.Accepted >= 1);
        await stop.CancelAsync(); // shutting down ends the round at once
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => round.WaitAsync(Patience));

        // With the configured bound, the round ends by itself and counts the hung peer as failed.
        var bounded = Puller(store, peers, Set(MutualTlsPullerOptions(), 1));
        bounded.RegisterMetrics(api.Server.Stats);
        await bounded.PullOnceAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.InRange(bounded.Failures, 1, 2); // the hung peer always; edge-2 too if this busy machine took over 1 s for it
        var (_, _, _, metrics) = await api.GetAsync("/metrics");
        Assert.Contains($"edgescaler_peer_up{{peer=\"{hung.Address}\"}} 0", metrics);
        Assert.Equal(["edge-1", "edge-2"], await NamesAsync(api, Nodes)); // edge-2's earlier answer is still served

        static MetricsApiOptions Set(MetricsApiOptions options, int timeoutSeconds)
        {
            options.PeerTimeoutSeconds = timeoutSeconds;
            return options;
        }
    }

    /// <summary>A peer that completes the TLS handshake and then never says a word.</summary>
    private sealed class HungTlsPeer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _cert;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<IDisposable> _connections = [];
        private readonly Task _accepting;
        private int _accepted;

        private HungTlsPeer(TcpListener listener, System.Security.Cryptography.X509Certificates.X509Certificate2 cert)
        {
            _listener = listener;
            _cert = cert;
            _accepting = AcceptAsync();
        }

        public string Address => $"https://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public int Accepted => Volatile.Read(ref _accepted);

        public static Task<HungTlsPeer> StartAsync(TestCa ca)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return Task.FromResult(new HungTlsPeer(listener, ca.IssueServer("hung")));
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var ssl = new SslStream(client.GetStream());
                    lock (_connections) { _connections.Add(client); _connections.Add(ssl); }
                    _ = ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _cert, ClientCertificateRequired = false }, _stop.Token)
                        .ContinueWith(t => { if (t.IsCompletedSuccessfully) Interlocked.Increment(ref _accepted); }, TaskScheduler.Default);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            lock (_connections) foreach (var c in _connections) c.Dispose();
            _cert.Dispose();
            _stop.Dispose();
        }
    }
}
