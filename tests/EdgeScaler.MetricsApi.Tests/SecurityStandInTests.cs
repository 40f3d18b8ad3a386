namespace EdgeScaler.MetricsApi.Tests;

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;

/// <summary>
/// Authentication and authorization as an aggregated API server, against the Kubernetes API stand-in
/// (ConfigMap, TokenReview, SubjectAccessReview) and real TLS client certificates.
/// </summary>
public class SecurityStandInTests : IAsyncLifetime
{
    private AuthStandIn _kube = null!;
    private RunningServer _s = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _kube = await AuthStandIn.StartAsync();
        _dir = Directory.CreateTempSubdirectory("es-sec-").FullName;
        _s = await StartServerAsync(new MetricsApiOptions { ListenAddress = "127.0.0.1", Port = 0, CertDirectory = _dir, AuthConfigRefreshSeconds = 1 });
    }

    private async Task<RunningServer> StartServerAsync(MetricsApiOptions options)
    {
        var security = await MetricsApiSecurity.DelegatingAsync(_kube.AuthApi(), options, NullLogger.Instance);
        return await RunningServer.StartAsync(FixedClusterMetrics.Sample(), options, security);
    }

    public async Task DisposeAsync()
    {
        await _s.DisposeAsync();
        await _kube.DisposeAsync();
    }

    private async Task<HttpResponseMessage> SendAsync(string path, System.Security.Cryptography.X509Certificates.X509Certificate2? clientCert = null,
        string? user = null, string[]? groups = null, string? bearer = null, (string, string)[]? extra = null)
    {
        using var client = RunningServer.NewClient(_s.Server, clientCert: clientCert);
        using var req = new HttpRequestMessage(HttpMethod.Get, path);
        if (user is not null) req.Headers.Add("X-Remote-User", user);
        foreach (var g in groups ?? []) req.Headers.Add("X-Remote-Group", g);
        foreach (var (k, v) in extra ?? []) req.Headers.Add("X-Remote-Extra-" + k, v);
        if (bearer is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        var res = await client.SendAsync(req);
        await res.Content.LoadIntoBufferAsync();
        return res;
    }

    private static async Task AssertStatusAsync(HttpResponseMessage res, HttpStatusCode code, string reason)
    {
        Assert.Equal(code, res.StatusCode);
        Assert.Equal("application/json", res.Content.Headers.ContentType!.ToString());
        var json = JsonNode.Parse(await res.Content.ReadAsStringAsync())!;
        Assert.Equal("Status", json["kind"]!.GetValue<string>());
        Assert.Equal(reason, json["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task FrontProxyWithTrustedCertificateActsAsTheForwardedUser()
    {
        using var proxy = _kube.FrontProxyCa.IssueClient("system:auth-proxy");
        // Raw HTTP/1.1 so groups and extras arrive as repeated header lines, exactly as the aggregator sends them.
        var (code, _) = await RawGetAsync(_s.Server, "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb", proxy,
            ["X-Remote-User: alice", "X-Remote-Group: devs", "X-Remote-Group: ops", "X-Remote-Extra-Scopes: a", "X-Remote-Extra-Scopes: b", "X-Remote-Extra-acme.com%2Fproject: x"]);
        Assert.Equal(200, code);
        var sar = Assert.Single(_kube.AccessReviews);
        Assert.Equal("alice", sar["user"]!.GetValue<string>());
        Assert.Equal(["devs", "ops", "system:authenticated"], sar["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.Equal(["a", "b"], sar["extra"]!["scopes"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.Equal("x", sar["extra"]!["acme.com/project"]![0]!.GetValue<string>());
        var attrs = sar["resourceAttributes"]!;
        Assert.Equal("list", attrs["verb"]!.GetValue<string>());
        Assert.Equal("metrics.k8s.io", attrs["group"]!.GetValue<string>());
        Assert.Equal("pods", attrs["resource"]!.GetValue<string>());
        Assert.Equal("shop", attrs["namespace"]!.GetValue<string>());
    }

    [Fact]
    public async Task AggregatorAvailabilityProbeAsSystemMastersPassesWithoutReview()
    {
        using var proxy = _kube.FrontProxyCa.IssueClient("system:auth-proxy");
        using var res = await SendAsync("/apis/metrics.k8s.io/v1beta1", proxy, "system:kube-aggregator", ["system:masters"]);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Empty(_kube.AccessReviews);
    }

    [Fact]
    public async Task ForgedRemoteUserWithoutClientCertificateIs401()
    {
        using var res = await SendAsync("/apis/metrics.k8s.io/v1beta1/pods", null, "system:admin", ["system:masters"]);
        await AssertStatusAsync(res, HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.Empty(_kube.AccessReviews);
    }

    [Fact]
    public async Task ForgedRemoteUserWithCertificateFromAnotherCaIs401()
    {
        using var rogueCa = new TestCa("rogue");
        using var rogue = rogueCa.IssueClient("system:auth-proxy");
        using var res = await SendAsync("/apis/metrics.k8s.io/v1beta1/pods", rogue, "system:admin", ["system:masters"]);
        await AssertStatusAsync(res, HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [Fact]
    public async Task TrustedCaButCommonNameNotAllowedIs401()
    {
        using var other = _kube.FrontProxyCa.IssueClient("not-the-proxy");
        using var res = await SendAsync("/apis/metrics.k8s.io/v1beta1/pods", other, "alice");
        await AssertStatusAsync(res, HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [Fact]
    public async Task ExpiredProxyCertificateIs401()
    {
        using var expired = _kube.FrontProxyCa.IssueClient("system:auth-proxy", DateTimeOffset.UtcNow.AddMinutes(-1));
        using var res = await SendAsync("/apis/metrics.k8s.io/v1beta1/pods", expired, "alice");
        await AssertStatusAsync(res, HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [Fact]
    public async Task ClientCaCertificateAuthenticatesAsItsCommonNameAndOrganization()
    {
        using var cert = _kube.ClientCa.IssueClient("CN=alice,O=devs");
        using var res = await SendAsync("/apis/metrics.k8s.io/v1beta1/nodes", cert, user: "mallory");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var sar = Assert.Single(_kube.AccessReviews);
        Assert.Equal("alice", sar["user"]!.GetValue<string>()); // the header is ignored for non-proxy certificates
        Assert.Contains("devs", sar["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
    }

    [Fact]
    public async Task ValidBearerTokenIsReviewedAndCached()
    {
        _kube.Tokens["good-token"] = ("system:serviceaccount:kube-system:horizontal-pod-autoscaler", ["system:serviceaccounts"]);
        for (var i = 0; i < 3; i++)
        {
            using var res = await SendAsync("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods", bearer: "good-token");
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        }
        Assert.Single(_kube.TokenReviews);
        Assert.Single(_kube.AccessReviews); // SAR answers are cached briefly too
    }

    [Theory]
    [InlineData("expired-token")]
    [InlineData("unknown")]
    public async Task RejectedTokensAre401(string token)
    {
        using var res = await SendAsync("/apis/metrics.k8s.io/v1beta1/pods", bearer: token);
        await AssertStatusAsync(res, HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.Empty(_kube.AccessReviews);
    }

    [Fact]
    public async Task DeniedReviewIs403WithKubernetesMessage()
    {
        _kube.Tokens["bob-token"] = ("bob", []);
        using var res = await SendAsync("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods", bearer: "bob-token");
        await AssertStatusAsync(res, HttpStatusCode.Forbidden, "Forbidden");
        var message = JsonNode.Parse(await res.Content.ReadAsStringAsync())!["message"]!.GetValue<string>();
        Assert.StartsWith("pods.metrics.k8s.io is forbidden: User \"bob\" cannot list resource \"pods\" in API group \"metrics.k8s.io\" in the namespace \"default\"", message);
    }

    [Fact]
    public async Task NonResourcePathsAreReviewedAsPaths()
    {
        _kube.Tokens["bob-token"] = ("bob", []);
        _kube.Allow = spec => spec["nonResourceAttributes"]?["path"]?.GetValue<string>() == "/metrics";
        using var res = await SendAsync("/metrics", bearer: "bob-token");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("get", Assert.Single(_kube.AccessReviews)["nonResourceAttributes"]!["verb"]!.GetValue<string>());
    }

    [Fact]
    public async Task NoCredentialsIs401ButHealthIsAnonymous()
    {
        using var res = await SendAsync("/apis/metrics.k8s.io/v1beta1/nodes");
        await AssertStatusAsync(res, HttpStatusCode.Unauthorized, "Unauthorized");
        foreach (var path in new[] { "/healthz", "/livez", "/readyz", "/version" })
        {
            using var health = await SendAsync(path);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
    }

    [Fact]
    public async Task ReviewApiOutageIsA500NotAnAllow()
    {
        _kube.Tokens["alice-token"] = ("alice", []);
        _kube.FailAccessReviews = true;
        using var res = await SendAsync("/apis/metrics.k8s.io/v1beta1/nodes", bearer: "alice-token");
        await AssertStatusAsync(res, HttpStatusCode.InternalServerError, "InternalError");
    }

    [Fact]
    public async Task RotatedRequestHeaderCaIsPickedUpWithoutRestart()
    {
        using var newCa = new TestCa("front-proxy-ca-2");
        using var newProxy = newCa.IssueClient("system:auth-proxy");
        using (var before = await SendAsync("/apis/metrics.k8s.io/v1beta1", newProxy, "system:kube-aggregator", ["system:masters"]))
            Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        _kube.SeedConfigMap(newCa, ["system:auth-proxy"]);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpStatusCode code;
        do
        {
            await Task.Delay(200);
            using var after = await SendAsync("/apis/metrics.k8s.io/v1beta1", newProxy, "system:kube-aggregator", ["system:masters"]);
            code = after.StatusCode;
        } while (code != HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, code);
    }

    [Fact]
    public async Task AnonymousIsRefusedOnANonLoopbackListener()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => MetricsApiServer.StartAsync(FixedClusterMetrics.Sample(),
            new MetricsApiOptions { ListenAddress = "0.0.0.0", Port = 0, AllowAnonymous = true, CertDirectory = _dir }, MetricsApiSecurity.Anonymous()));
        Assert.Contains("loopback", e.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => MetricsApiServer.StartAsync(FixedClusterMetrics.Sample(),
            new MetricsApiOptions { ListenAddress = "127.0.0.1", Port = 0, AllowAnonymous = false, CertDirectory = _dir }, MetricsApiSecurity.Anonymous()));
    }

    /// <summary>One HTTP/1.1 GET over TLS written by hand (repeated header lines, no client-side joining).</summary>
    internal static async Task<(int Code, string Response)> RawGetAsync(MetricsApiServer server, string path,
        System.Security.Cryptography.X509Certificates.X509Certificate2? clientCert, IEnumerable<string> headers)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(server.Address.Host, server.Address.Port);
        await using var ssl = new System.Net.Security.SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = clientCert is null ? null : [clientCert],
            ApplicationProtocols = [System.Net.Security.SslApplicationProtocol.Http11],
        });
        var request = $"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{string.Concat(headers.Select(h => h + "\r\n"))}\r\n";
        await ssl.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(ssl);
        var response = await reader.ReadToEndAsync();
        return (int.Parse(response.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), response);
    }
}
