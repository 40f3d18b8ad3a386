namespace EdgeScaler.Telemetry;

using EdgeScaler.Core.Configuration;
using EdgeScaler.Core.Units;

/// <summary>
/// The `mqtt` section of edgescaler.json. Plain get/set properties with defaults so the host binds it AOT-safely;
/// durations are Go duration strings ("15s") in the file. Derived values are methods so they never look like keys.
/// </summary>
public sealed class TelemetryOptions : IValidatedOptions
{
    /// <summary>Off means no MQTT at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>`mqtt://host:1883` or `mqtts://host:8883`. Empty: no external broker (see <see cref="EmbeddedBroker"/>).</summary>
    public string? BrokerUri { get; set; }

    /// <summary>Host MQTTnet's in-process broker on loopback when no broker is configured (`simulate` does; `run` only on request).</summary>
    public bool EmbeddedBroker { get; set; }

    /// <summary>Port for the embedded broker; 0 picks a free one.</summary>
    public int EmbeddedBrokerPort { get; set; } = 1883;

    /// <summary>Cluster name used in the default prefix, client ids and discovery ids.</summary>
    public string Cluster { get; set; } = "default";

    /// <summary>Topic prefix; empty means `edgescaler/&lt;cluster&gt;`.</summary>
    public string? Prefix { get; set; }

    /// <summary>MQTT client id; empty means `edgescaler-&lt;cluster&gt;-&lt;node&gt;` (one per node, stable across restarts for the persistent session).</summary>
    public string? ClientId { get; set; }

    public string? Username { get; set; }

    /// <summary>File holding the password (first line). Keeps the secret out of the config file.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>PEM CA bundle that signed the broker's certificate. Setting it (or using mqtts://) turns TLS on.</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM client certificate for mutual TLS (with <see cref="ClientKeyFile"/>).</summary>
    public string? ClientCertFile { get; set; }

    public string? ClientKeyFile { get; set; }

    /// <summary>Time between node state publications.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>MQTT 5 message expiry of the retained node state, so a dead node's state ages out. 0s means 4 × interval.</summary>
    public TimeSpan StateExpiry { get; set; } = TimeSpan.Zero;

    /// <summary>How long the broker keeps our session (QoS 1 command subscription) while we are away.</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First reconnect delay; doubles per failure up to <see cref="ReconnectMax"/>, with jitter.</summary>
    public TimeSpan ReconnectMin { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMax { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Directory of the on-disk event journal.</summary>
    public string JournalPath { get; set; } = "/var/lib/edgescaler/mqtt";

    /// <summary>Events kept while the broker is unreachable; past this the oldest are dropped, counted and logged.</summary>
    public int JournalMaxEvents { get; set; } = 10_000;

    /// <summary>Home Assistant device discovery (off by default).</summary>
    public bool Discovery { get; set; }

    public string DiscoveryPrefix { get; set; } = "homeassistant";

    /// <summary>Commands larger than this many bytes are rejected unread.</summary>
    public int MaxCommandBytes { get; set; } = 512;

    /// <summary>Longest override a command may ask for.</summary>
    public TimeSpan MaxOverride { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Whether `"force": true` (replicas outside [minReplicas, maxReplicas]) is accepted over MQTT.</summary>
    public bool AllowForce { get; set; }

    /// <summary>Upper bound for forced replica counts.</summary>
    public int MaxForcedReplicas { get; set; } = 100;

    public string GetPrefix() => string.IsNullOrWhiteSpace(Prefix) ? $"edgescaler/{Cluster}" : Prefix.TrimEnd('/');

    public string GetClientId(string node) => string.IsNullOrWhiteSpace(ClientId) ? $"edgescaler-{Cluster}-{node}" : ClientId;

    public TimeSpan GetStateExpiry() => StateExpiry > TimeSpan.Zero ? StateExpiry : 4 * (Interval > TimeSpan.Zero ? Interval : TimeSpan.FromSeconds(15));

    /// <summary>Rules beyond the JSON types, one problem each (keys relative to the `mqtt` section).</summary>
    public IEnumerable<OptionProblem> Validate()
    {
        if (!string.IsNullOrWhiteSpace(BrokerUri) &&
            (!Uri.TryCreate(BrokerUri, UriKind.Absolute, out var uri) || uri.Scheme is not ("mqtt" or "mqtts" or "tcp") || string.IsNullOrEmpty(uri.Host)))
            yield return new("brokerUri", Quote(BrokerUri), "mqtt://host[:port] or mqtts://host[:port]");
        if (!TopicSchema.IsValidLevel(Cluster)) yield return new("cluster", Quote(Cluster), "one MQTT topic level: no /, + or #");
        if (!string.IsNullOrWhiteSpace(Prefix) && !TopicSchema.IsValidPrefix(Prefix.TrimEnd('/')))
            yield return new("prefix", Quote(Prefix), "topic levels without +, # or a leading /, e.g. \"edgescaler/home\"");
        if (!TopicSchema.IsValidPrefix(DiscoveryPrefix)) yield return new("discoveryPrefix", Quote(DiscoveryPrefix), "a topic prefix such as \"homeassistant\"");
        if (EmbeddedBrokerPort is < 0 or > 65535) yield return new("embeddedBrokerPort", EmbeddedBrokerPort.ToString(), "a port from 1 to 65535, or 0 for any free port");
        if (Interval < TimeSpan.FromSeconds(1)) yield return new("interval", Quote(GoDuration.Format(Interval)), "a duration of at least 1s");
        if (StateExpiry < TimeSpan.Zero || StateExpiry > TimeSpan.FromSeconds(uint.MaxValue)) yield return new("stateExpiry", Quote(GoDuration.Format(StateExpiry)), "0s (4 × interval) or a positive duration");
        if (SessionExpiry < TimeSpan.Zero || SessionExpiry > TimeSpan.FromSeconds(uint.MaxValue)) yield return new("sessionExpiry", Quote(GoDuration.Format(SessionExpiry)), "a positive duration");
        if (KeepAlive < TimeSpan.FromSeconds(5) || KeepAlive > TimeSpan.FromSeconds(ushort.MaxValue)) yield return new("keepAlive", Quote(GoDuration.Format(KeepAlive)), "a duration from 5s to 18h12m15s");
        if (ReconnectMin <= TimeSpan.Zero) yield return new("reconnectMin", Quote(GoDuration.Format(ReconnectMin)), "a positive duration");
        if (ReconnectMax < ReconnectMin) yield return new("reconnectMax", Quote(GoDuration.Format(ReconnectMax)), "a duration no shorter than reconnectMin");
        if (string.IsNullOrWhiteSpace(JournalPath)) yield return new("journalPath", Quote(JournalPath), "a directory path");
        if (JournalMaxEvents < 1) yield return new("journalMaxEvents", JournalMaxEvents.ToString(), "a whole number of at least 1");
        if (MaxCommandBytes is < 16 or > 65536) yield return new("maxCommandBytes", MaxCommandBytes.ToString(), "a size from 16 to 65536 bytes");
        if (MaxOverride < TimeSpan.FromMinutes(1)) yield return new("maxOverride", Quote(GoDuration.Format(MaxOverride)), "a duration of at least 1m");
        if (MaxForcedReplicas < 0) yield return new("maxForcedReplicas", MaxForcedReplicas.ToString(), "a whole number, 0 or more");
        if (string.IsNullOrEmpty(ClientCertFile) != string.IsNullOrEmpty(ClientKeyFile))
            yield return new(string.IsNullOrEmpty(ClientCertFile) ? "clientCertFile" : "clientKeyFile", "(missing)", "clientCertFile and clientKeyFile set together");
        foreach (var (key, path) in new[] { ("caFile", CaFile), ("clientCertFile", ClientCertFile), ("clientKeyFile", ClientKeyFile), ("passwordFile", PasswordFile) })
            if (!string.IsNullOrEmpty(path) && !File.Exists(path)) yield return new(key, Quote(path), "a readable file");
    }

    private static string Quote(string? s) => $"\"{s}\"";
}
