namespace EdgeScaler.Kubernetes.Tests;

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeScaler.Kubernetes.Rest;
using EdgeScaler.TestKit;
using k8s;
using k8s.Exceptions;

/// <summary>
/// The connection KubeRest makes from a kubeconfig, over real TLS against the Kubernetes API stand-in: the server is
/// trusted only through the kubeconfig's CA and only under its own name, and a k3s-style client certificate is
/// presented and accepted.
/// </summary>
public sealed class KubeHttpStandInTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kubehttp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task StandIn_kubeconfig_client_certificate_is_presented_and_accepted()
    {
        using var ca = NewCa("cluster-client-ca");
        await using var api = await KubeApiStandIn.StartAsync(new KubeApiStandInOptions { UseTls = true, ClientCertificateAuthority = ca });
        var kubeconfig = api.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"), clientCertificate: Issue(ca, "system:admin"));

        using var rest = new KubeRest(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        var pods = await rest.GetJsonAsync("api/v1/namespaces/default/pods", CancellationToken.None);
        Assert.Equal("PodList", (string?)pods!["kind"]);
    }

    [Fact]
    public async Task StandIn_client_certificate_files_named_by_the_kubeconfig_are_read()
    {
        using var ca = NewCa("cluster-client-ca");
        await using var api = await KubeApiStandIn.StartAsync(new KubeApiStandInOptions { UseTls = true, ClientCertificateAuthority = ca });
        var (certPem, keyPem) = Issue(ca, "system:admin");
        File.WriteAllText(Path.Combine(_dir, "client.crt"), certPem);
        File.WriteAllText(Path.Combine(_dir, "client.key"), keyPem);
        var kubeconfig = api.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"), clientCertificate: ("x", "y"));
        var yaml = File.ReadAllText(kubeconfig)
            .Replace("client-certificate-data: " + Convert.ToBase64String("x"u8.ToArray()), "client-certificate: " + Path.Combine(_dir, "client.crt"))
            .Replace("client-key-data: " + Convert.ToBase64String("y"u8.ToArray()), "client-key: " + Path.Combine(_dir, "client.key"));
        File.WriteAllText(kubeconfig, yaml);

        using var rest = new KubeRest(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        Assert.NotNull(await rest.GetJsonAsync("api/v1/namespaces/default/pods", CancellationToken.None));
    }

    [Fact]
    public async Task StandIn_client_certificate_from_another_CA_is_refused_with_401()
    {
        using var ca = NewCa("cluster-client-ca");
        using var stranger = NewCa("someone-else");
        await using var api = await KubeApiStandIn.StartAsync(new KubeApiStandInOptions { UseTls = true, ClientCertificateAuthority = ca });
        var kubeconfig = api.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"), clientCertificate: Issue(stranger, "system:admin"));

        using var rest = new KubeRest(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        var e = await Assert.ThrowsAsync<KubeApiException>(() => rest.GetJsonAsync("api/v1/namespaces/default/pods", CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, e.Status);
    }

    [Fact]
    public async Task StandIn_server_certificate_not_issued_by_the_kubeconfig_CA_is_not_trusted()
    {
        using var other = NewCa("not-the-cluster-ca");
        await using var api = await KubeApiStandIn.StartAsync(new KubeApiStandInOptions { UseTls = true });
        var config = new KubernetesClientConfiguration { Host = api.BaseUrl, AccessToken = "t", SslCaCerts = [X509CertificateLoader.LoadCertificate(other.RawData)] };

        using var rest = new KubeRest(config);
        await Assert.ThrowsAsync<KubeUnreachableException>(() => rest.GetJsonAsync("api/v1/namespaces/default/pods", CancellationToken.None));
        Assert.Empty(api.Requests);
    }

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("kubernetes.default.svc", false)]
    public async Task StandIn_server_name_is_checked_against_the_certificate(string tlsServerName, bool trusted)
    {
        await using var api = await KubeApiStandIn.StartAsync(new KubeApiStandInOptions { UseTls = true });
        var config = api.CreateClientConfiguration();
        config.TlsServerName = tlsServerName; // the certificate names 127.0.0.1 and localhost

        using var rest = new KubeRest(config);
        var call = rest.GetJsonAsync("api/v1/namespaces/default/pods", CancellationToken.None);
        if (trusted) Assert.NotNull(await call);
        else await Assert.ThrowsAsync<KubeUnreachableException>(() => call);
    }

    [Fact]
    public async Task StandIn_insecure_skip_tls_verify_trusts_any_server()
    {
        await using var api = await KubeApiStandIn.StartAsync(new KubeApiStandInOptions { UseTls = true });
        using var rest = new KubeRest(new KubernetesClientConfiguration { Host = api.BaseUrl, SkipTlsVerify = true });
        Assert.NotNull(await rest.GetJsonAsync("api/v1/namespaces/default/pods", CancellationToken.None));
    }

    [Fact]
    public void A_client_key_that_is_not_PEM_is_a_clear_kubeconfig_error()
    {
        using var ca = NewCa("ca");
        var (certPem, _) = Issue(ca, "me");
        var config = new KubernetesClientConfiguration
        {
            Host = "https://127.0.0.1:6443",
            SkipTlsVerify = true,
            ClientCertificateData = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(certPem)),
            ClientCertificateKeyData = Convert.ToBase64String("not a key"u8.ToArray()),
        };
        var e = Assert.Throws<KubeConfigException>(() => new KubeRest(config));
        Assert.Contains("client certificate or key", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ftp://127.0.0.1")]
    [InlineData("not a url")]
    public void A_server_address_that_is_not_an_http_URL_is_a_clear_kubeconfig_error(string host)
    {
        var e = Assert.Throws<KubeConfigException>(() => new KubeRest(new KubernetesClientConfiguration { Host = host }));
        Assert.Contains("Kubernetes API address", e.Message);
    }

    private static X509Certificate2 NewCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>A client certificate as k3s issues them (CN = user, O = group, clientAuth), as PEM.</summary>
    private static (string CertificatePem, string KeyPem) Issue(X509Certificate2 ca, string user)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={user}, O=system:masters", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var serial = RandomNumberGenerator.GetBytes(8);
        using var cert = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), serial);
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
