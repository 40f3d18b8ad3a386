namespace EdgeScaler.Host.Tests;

using EdgeScaler.Host.Configuration;

/// <summary>The metricsApi section's rules reach `check-config` with their full JSON paths.</summary>
public sealed class MetricsApiConfigTests
{
    [Fact]
    public void Anonymous_access_on_a_public_listener_and_a_plain_http_peer_are_reported_with_full_paths()
    {
        var r = ConfigLoader.LoadText("test.json",
            """{ "metricsApi": { "listenAddress": "0.0.0.0", "allowAnonymous": true, "peers": ["http://10.0.0.2:4443"] } }""", []);
        Assert.False(r.IsValid);
        Assert.Equal(["$.metricsApi.allowAnonymous", "$.metricsApi.peers[0]"], r.Problems.Select(p => p.Path).ToArray());
    }
}
