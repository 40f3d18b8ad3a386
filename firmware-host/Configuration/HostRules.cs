namespace EdgeScaler.Host.Configuration;

using EdgeScaler.Core.Metrics;
using EdgeScaler.Core.Units;
using EdgeScaler.MetricsApi;
using EdgeScaler.MetricsApi.Security;
using EdgeScaler.Node.Boards;

/// <summary>
/// Rules for settings whose options class does not check them itself (it does not implement
/// IValidatedOptions yet): durations kept as strings, board ids. Once a class checks a key, its rule leaves here.
/// </summary>
public static class HostRules
{
    public static IEnumerable<ConfigProblem> Check(EdgeScalerConfig config)
    {
        var node = config.Node;
        if (!GoDuration.TryParse(node.Interval, out var interval))
            yield return new("$.node.interval", Quote(node.Interval), GoDurationJsonConverter.Expected);
        else if (interval <= CpuRateMath.MinimumWindow)
            yield return new("$.node.interval", Quote(node.Interval), "a duration longer than 100ms (shorter windows give no usable CPU rate)");
        if (!GoDuration.TryParse(node.ZoneTimeout, out var zoneTimeout))
            yield return new("$.node.zoneTimeout", Quote(node.ZoneTimeout), GoDurationJsonConverter.Expected);
        else if (zoneTimeout <= TimeSpan.Zero)
            yield return new("$.node.zoneTimeout", Quote(node.ZoneTimeout), "a duration longer than 0s");
        if (string.IsNullOrWhiteSpace(node.HostRoot))
            yield return new("$.node.hostRoot", Quote(node.HostRoot), "a directory such as \"/\" or \"/host\"");
        if (node.Board is { } board && BoardCatalog.BuiltIn.Find(board) is null)
            yield return new("$.node.board", Quote(board),
                $"null (detect from the device tree) or one of {string.Join(", ", BoardCatalog.BuiltIn.Profiles.Select(p => $"\"{p.Id}\""))}");
        foreach (var p in MetricsApi(config.MetricsApi)) yield return p;
    }

    private static IEnumerable<ConfigProblem> MetricsApi(MetricsApiOptions m)
    {
        if (m.ListenAddress != "localhost" && !System.Net.IPAddress.TryParse(m.ListenAddress, out _))
            yield return new("$.metricsApi.listenAddress", Quote(m.ListenAddress), "an IP address (\"0.0.0.0\", \"::\", \"127.0.0.1\") or \"localhost\"");
        else if (m.AllowAnonymous && !AnonymousAccess.IsLoopback(m.ListenAddress))
            yield return new("$.metricsApi.allowAnonymous", "true", $"false while listenAddress is {Quote(m.ListenAddress)}: anonymous access is only allowed on a loopback listener");
        if (m.Port is < 0 or > 65535)
            yield return new("$.metricsApi.port", m.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "a port from 1 to 65535 (0 picks a free one)");
        if (string.IsNullOrEmpty(m.TlsCertFile) != string.IsNullOrEmpty(m.TlsKeyFile))
            yield return new(string.IsNullOrEmpty(m.TlsCertFile) ? "$.metricsApi.tlsCertFile" : "$.metricsApi.tlsKeyFile", "null",
                "both tlsCertFile and tlsKeyFile, or neither (a self-signed certificate is made)");
        if (string.IsNullOrEmpty(m.PeerClientCertFile) != string.IsNullOrEmpty(m.PeerClientKeyFile))
            yield return new(string.IsNullOrEmpty(m.PeerClientCertFile) ? "$.metricsApi.peerClientCertFile" : "$.metricsApi.peerClientKeyFile", "null",
                "both peerClientCertFile and peerClientKeyFile, or neither");
        foreach (var (key, value, min) in new[]
        {
            ("authCacheSeconds", m.AuthCacheSeconds, 0), ("authConfigRefreshSeconds", m.AuthConfigRefreshSeconds, 1),
            ("maxRequestHeadersTotalBytes", m.MaxRequestHeadersTotalBytes, 1024), ("maxRequestLineBytes", m.MaxRequestLineBytes, 256),
            ("maxConcurrentConnections", m.MaxConcurrentConnections, 1), ("requestHeadersTimeoutSeconds", m.RequestHeadersTimeoutSeconds, 1),
            ("keepAliveTimeoutSeconds", m.KeepAliveTimeoutSeconds, 1), ("peerPollSeconds", m.PeerPollSeconds, 1),
            ("peerTimeoutSeconds", m.PeerTimeoutSeconds, 1), ("peerStaleAfterSeconds", m.PeerStaleAfterSeconds, 1),
        })
            if (value < min) yield return new($"$.metricsApi.{key}", value.ToString(System.Globalization.CultureInfo.InvariantCulture), $"an integer of at least {min}");
        for (var i = 0; i < m.Peers.Count; i++)
            if (!Uri.TryCreate(m.Peers[i], UriKind.Absolute, out var u) || u.Scheme != Uri.UriSchemeHttps)
                yield return new($"$.metricsApi.peers[{i}]", Quote(m.Peers[i]), "an https:// base URL such as \"https://10.0.0.12:4443\"");
    }

    private static string Quote(string? s) => s is null ? "null" : System.Text.Json.Nodes.JsonValue.Create(s).ToJsonString();
}
