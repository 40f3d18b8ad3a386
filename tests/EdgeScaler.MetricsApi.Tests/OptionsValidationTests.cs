namespace EdgeScaler.MetricsApi.Tests;

/// <summary>The metricsApi section's own rules, as `check-config` reports them (keys relative to the section).</summary>
public sealed class OptionsValidationTests
{
    private static string[] Keys(MetricsApiOptions o) => o.Validate().Select(p => p.Key).ToArray();

    [Fact]
    public void Defaults_are_valid() => Assert.Empty(Keys(new MetricsApiOptions()));

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("localhost", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("10.0.0.5", false)]
    public void Anonymous_access_only_on_a_loopback_listener(string address, bool allowed) =>
        Assert.Equal(allowed ? [] : ["allowAnonymous"], Keys(new MetricsApiOptions { ListenAddress = address, AllowAnonymous = true }));

    [Fact]
    public void A_listen_address_must_be_an_ip_or_localhost() =>
        Assert.Equal(["listenAddress"], Keys(new MetricsApiOptions { ListenAddress = "edge-1.local", AllowAnonymous = true }));

    [Fact]
    public void Ports_limits_pairs_and_peer_urls_are_checked()
    {
        var o = new MetricsApiOptions
        {
            Port = 70000, TlsCertFile = "/etc/tls.crt", PeerClientKeyFile = "/etc/peer.key", PeerPollSeconds = 0, AuthCacheSeconds = -1,
            Peers = ["https://10.0.0.2:4443", "http://10.0.0.3:4443", "not a url"],
        };
        Assert.Equal(["port", "tlsKeyFile", "peerClientCertFile", "authCacheSeconds", "peerPollSeconds", "peers[1]", "peers[2]"], Keys(o));
    }
}
