namespace EdgeScaler.MetricsApi;

using System.Globalization;
using System.Net;
using EdgeScaler.Core.Configuration;
using EdgeScaler.MetricsApi.Security;

/// <summary>
/// Options of the metrics.k8s.io server (config section <c>metricsApi</c>). Plain get/set properties with defaults,
/// bound AOT-safely by the host.
/// </summary>
public sealed class MetricsApiOptions : IValidatedOptions
{
    /// <summary>Serve metrics.k8s.io from this agent (<c>edgescaler run</c>). Off: no port is opened, peers cannot pull this node.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Address to listen on: an IP (<c>0.0.0.0</c>, <c>::</c>, <c>127.0.0.1</c>) or <c>localhost</c>.</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>TLS port; 0 picks a free one (tests, simulation). Not 10250: that is the kubelet's port on the host.</summary>
    public int Port { get; set; } = 4443;

    /// <summary>PEM serving certificate; with <see cref="TlsKeyFile"/>. When empty, a self-signed one is made and kept in <see cref="CertDirectory"/>.</summary>
    public string? TlsCertFile { get; set; }

    public string? TlsKeyFile { get; set; }

    /// <summary>Where the self-signed serving certificate is persisted on first start (reused afterwards).</summary>
    public string CertDirectory { get; set; } = "/var/lib/edgescaler/tls";

    /// <summary>Extra DNS names for the self-signed certificate (the Service's <c>name.namespace.svc</c> is what the aggregator checks).</summary>
    public List<string> CertificateDnsNames { get; set; } = ["edgescaler.kube-system.svc", "edgescaler.kube-system.svc.cluster.local", "localhost"];

    /// <summary>
    /// Serve requests without identity as <c>system:anonymous</c>, skipping authorization. Only for local use
    /// (<c>edgescaler simulate</c>): refused unless <see cref="ListenAddress"/> is a loopback address.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>How long TokenReview and SubjectAccessReview answers are reused (metrics-server: 10 s).</summary>
    public int AuthCacheSeconds { get; set; } = 10;

    /// <summary>How often the <c>kube-system/extension-apiserver-authentication</c> ConfigMap is re-read for CA rotation.</summary>
    public int AuthConfigRefreshSeconds { get; set; } = 30;

    /// <summary>PEM CA bundle that peers' client certificates chain to (mutual TLS between agents), optional.</summary>
    public string? PeerClientCaFile { get; set; }

    /// <summary>Certificate CNs from <see cref="PeerClientCaFile"/> that may read this agent's local samples.</summary>
    public List<string> PeerAllowedNames { get; set; } = [];

    /// <summary>Kestrel limits against oversized and slow requests.</summary>
    public int MaxRequestHeadersTotalBytes { get; set; } = 32 * 1024;

    public int MaxRequestLineBytes { get; set; } = 8 * 1024;

    public int MaxConcurrentConnections { get; set; } = 1024;

    /// <summary>A client must send all request headers within this time (slowloris protection).</summary>
    public int RequestHeadersTimeoutSeconds { get; set; } = 10;

    public int KeepAliveTimeoutSeconds { get; set; } = 120;

    /// <summary>Peer agents to merge into the cluster view: base URLs such as <c>https://10.0.0.12:4443</c>.</summary>
    public List<string> Peers { get; set; } = [];

    /// <summary>When set, peers are also found through the Kubernetes API: pods in <see cref="PeerNamespace"/> matching this selector (their pod IP and <see cref="Port"/>).</summary>
    public string? PeerLabelSelector { get; set; }

    public string PeerNamespace { get; set; } = "kube-system";

    /// <summary>How often peers are asked for their samples.</summary>
    public int PeerPollSeconds { get; set; } = 15;

    /// <summary>A peer that takes longer than this is skipped for this round (answers never wait for peers).</summary>
    public int PeerTimeoutSeconds { get; set; } = 3;

    /// <summary>A peer that has not answered for this long is dropped from answers; it returns with its next answer.</summary>
    public int PeerStaleAfterSeconds { get; set; } = 60;

    /// <summary>Client certificate for mutual TLS to peers (PEM), with <see cref="PeerClientKeyFile"/>.</summary>
    public string? PeerClientCertFile { get; set; }

    public string? PeerClientKeyFile { get; set; }

    /// <summary>Bearer token file sent to peers when no client certificate is set (re-read every round: tokens rotate).</summary>
    public string? PeerTokenFile { get; set; } = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    /// <summary>CA (PEM) that peers' serving certificates chain to. Required unless <see cref="PeerInsecureSkipVerify"/>.</summary>
    public string? PeerServerCaFile { get; set; }

    /// <summary>Do not verify peers' serving certificates (only sensible with mutual TLS, never with a bearer token).</summary>
    public bool PeerInsecureSkipVerify { get; set; }

    /// <summary>Cross-field rules and ranges, checked by `check-config` and `run` (keys relative to this section).</summary>
    public IEnumerable<OptionProblem> Validate()
    {
        if (ListenAddress != "localhost" && !IPAddress.TryParse(ListenAddress, out _))
            yield return new("listenAddress", Quote(ListenAddress), "an IP address (\"0.0.0.0\", \"::\", \"127.0.0.1\") or \"localhost\"");
        else if (AllowAnonymous && !AnonymousAccess.IsLoopback(ListenAddress))
            yield return new("allowAnonymous", "true", $"false while listenAddress is {Quote(ListenAddress)}: anonymous access is only allowed on a loopback listener");
        if (Port is < 0 or > 65535)
            yield return new("port", Port.ToString(CultureInfo.InvariantCulture), "a port from 1 to 65535 (0 picks a free one)");
        if (string.IsNullOrEmpty(TlsCertFile) != string.IsNullOrEmpty(TlsKeyFile))
            yield return new(string.IsNullOrEmpty(TlsCertFile) ? "tlsCertFile" : "tlsKeyFile", "null",
                "both tlsCertFile and tlsKeyFile, or neither (a self-signed certificate is made)");
        if (string.IsNullOrEmpty(PeerClientCertFile) != string.IsNullOrEmpty(PeerClientKeyFile))
            yield return new(string.IsNullOrEmpty(PeerClientCertFile) ? "peerClientCertFile" : "peerClientKeyFile", "null",
                "both peerClientCertFile and peerClientKeyFile, or neither");
        foreach (var (key, value, min) in new[]
        {
            ("authCacheSeconds", AuthCacheSeconds, 0), ("authConfigRefreshSeconds", AuthConfigRefreshSeconds, 1),
            ("maxRequestHeadersTotalBytes", MaxRequestHeadersTotalBytes, 1024), ("maxRequestLineBytes", MaxRequestLineBytes, 256),
            ("maxConcurrentConnections", MaxConcurrentConnections, 1), ("requestHeadersTimeoutSeconds", RequestHeadersTimeoutSeconds, 1),
            ("keepAliveTimeoutSeconds", KeepAliveTimeoutSeconds, 1), ("peerPollSeconds", PeerPollSeconds, 1),
            ("peerTimeoutSeconds", PeerTimeoutSeconds, 1), ("peerStaleAfterSeconds", PeerStaleAfterSeconds, 1),
        })
            if (value < min) yield return new(key, value.ToString(CultureInfo.InvariantCulture), $"an integer of at least {min}");
        for (var i = 0; i < Peers.Count; i++)
            if (!Uri.TryCreate(Peers[i], UriKind.Absolute, out var u) || u.Scheme != Uri.UriSchemeHttps)
                yield return new($"peers[{i}]", Quote(Peers[i]), "an https:// base URL such as \"https://10.0.0.12:4443\"");
    }

    private static string Quote(string? s) => s is null ? "null" : System.Text.Json.Nodes.JsonValue.Create(s).ToJsonString();
}
