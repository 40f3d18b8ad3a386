namespace EdgeScaler.Kubernetes.Rest;

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Authentication;
using k8s.Exceptions;

/// <summary>
/// An authenticated HTTP connection to the API server, built from a <see cref="KubernetesClientConfiguration"/>
/// (kubeconfig or in-cluster): the server's CA, client certificate, bearer/exec/service-account token.
/// Why not <c>new k8s.Kubernetes(config)</c>: constructing the generated client keeps every API operation and its
/// JSON metadata in the native binary (about 11 MB); we make plain REST calls and need only the connection.
/// </summary>
public sealed class KubeHttp : IDisposable
{
    private KubeHttp(Uri baseUri, HttpMessageHandler transport, HttpClient client, ServiceClientCredentials? credentials)
    {
        BaseUri = baseUri;
        Transport = transport;
        Client = client;
        Credentials = credentials;
    }

    /// <summary>The API server's address, ending in '/'.</summary>
    public Uri BaseUri { get; }

    /// <summary>The TLS transport, shared by <see cref="Client"/> and anyone needing a client without its timeout (watches).</summary>
    public HttpMessageHandler Transport { get; }

    /// <summary>Requests through <see cref="Transport"/> with the configuration's timeout.</summary>
    public HttpClient Client { get; }

    /// <summary>Adds the Authorization header (a token source may refresh itself); null when the client certificate is the identity.</summary>
    public ServiceClientCredentials? Credentials { get; }

    public static KubeHttp Create(KubernetesClientConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (string.IsNullOrWhiteSpace(config.Host)) throw new KubeConfigException("the Kubernetes API address (server) is not set");
        if (!Uri.TryCreate(config.Host, UriKind.Absolute, out var host) || host.Scheme is not ("https" or "http"))
            throw new KubeConfigException($"the Kubernetes API address \"{config.Host}\" is not an http(s) URL");
        var baseUri = new Uri(host.ToString().EndsWith('/') ? host.ToString() : host + "/");

        var handler = new SocketsHttpHandler
        {
            // A quiet watch must not sit on a connection a NAT or the server dropped long ago.
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            KeepAlivePingDelay = TimeSpan.FromMinutes(3),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        };
        if (baseUri.Scheme == "https")
        {
            var ca = config.SslCaCerts is { Count: > 0 } c ? c : null;
            var serverName = string.IsNullOrEmpty(config.TlsServerName) ? null : config.TlsServerName;
            handler.SslOptions.RemoteCertificateValidationCallback = config.SkipTlsVerify
                ? (_, _, _, _) => true
                : (_, cert, _, errors) => Trusted(ca, serverName, cert, errors);
            if (ClientCertificate(config) is { } clientCert) handler.SslOptions.ClientCertificates = [clientCert];
        }
        config.FirstMessageHandlerSetup?.Invoke(handler);
        var client = new HttpClient(handler, disposeHandler: false) { Timeout = config.HttpClientTimeout };
        if (!string.IsNullOrEmpty(config.UserAgent)) client.DefaultRequestHeaders.UserAgent.TryParseAdd(config.UserAgent);
        return new KubeHttp(baseUri, handler, client, k8s.Kubernetes.CreateCredentials(config));
    }

    /// <summary>
    /// As kubectl checks a server: the chain ends in one of the kubeconfig's CAs (a cluster CA is private, so the system
    /// store plays no part; without a CA in the kubeconfig, the system store decides), and the certificate names the
    /// server: tls-server-name when the kubeconfig gives one (the handler always checks the URL's host), else the host.
    /// </summary>
    private static bool Trusted(X509Certificate2Collection? ca, string? serverName, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0) return false;
        using var cert = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        var nameMatches = serverName is null ? (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 : cert.MatchesHostname(serverName);
        if (!nameMatches) return false;
        if (ca is null) return (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(cert);
    }

    /// <summary>The kubeconfig's client certificate and key (inline base64 PEM or files), or null.</summary>
    private static X509Certificate2? ClientCertificate(KubernetesClientConfiguration config)
    {
        var certPem = !string.IsNullOrEmpty(config.ClientCertificateData) ? Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateData))
            : !string.IsNullOrEmpty(config.ClientCertificateFilePath) ? File.ReadAllText(config.ClientCertificateFilePath) : null;
        var keyPem = !string.IsNullOrEmpty(config.ClientCertificateKeyData) ? Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateKeyData))
            : !string.IsNullOrEmpty(config.ClientKeyFilePath) ? File.ReadAllText(config.ClientKeyFilePath) : null;
        if (certPem is null || keyPem is null) return null;
        try
        {
            return X509Certificate2.CreateFromPem(certPem, keyPem);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new KubeConfigException($"the kubeconfig's client certificate or key is not usable PEM: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        Transport.Dispose();
    }
}
