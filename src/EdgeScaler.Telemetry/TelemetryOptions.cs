namespace EdgeScaler.Telemetry;

/// <summary>
/// The `telemetry` section of edgescaler.json. Plain get/set properties with defaults so the host can bind it AOT-safely.
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>Off means no MQTT at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>`mqtt://host:1883` or `mqtts://host:8883`. Null or empty: no external broker (see <see cref="EmbeddedBroker"/>).</summary>
    public string? BrokerUri { get; set; }

    /// <summary>Host MQTTnet's in-process broker on loopback when no broker is configured (`simulate` does; `run` only on request).</summary>
    public bool EmbeddedBroker { get; set; }

    /// <summary>Port for the embedded broker; 0 picks a free one.</summary>
    public int EmbeddedBrokerPort { get; set; } = 1883;

    /// <summary>Cluster name used in the default prefix and in client ids and discovery ids.</summary>
    public string Cluster { get; set; } = "default";

    /// <summary>Topic prefix; null means `edgescaler/&lt;cluster&gt;`.</summary>
    public string? Prefix { get; set; }

    /// <summary>MQTT client id; null means `edgescaler-&lt;cluster&gt;-&lt;node&gt;` (one per node, stable across restarts for the persistent session).</summary>
    public string? ClientId { get; set; }

    public string? Username { get; set; }

    /// <summary>File holding the password (first line; trailing newline ignored). Keeps the secret out of the config file.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>PEM CA bundle that signed the broker's certificate. Setting it (or using mqtts://) turns TLS on.</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM client certificate for mutual TLS (optional, with <see cref="ClientKeyFile"/>).</summary>
    public string? ClientCertFile { get; set; }

    public string? ClientKeyFile { get; set; }

    /// <summary>Seconds between node state publications.</summary>
    public int IntervalSeconds { get; set; } = 15;

    /// <summary>MQTT 5 message expiry of retained state, so a dead node's state ages out. 0 means 4 × interval.</summary>
    public int StateExpirySeconds { get; set; }

    /// <summary>Session expiry the broker keeps our QoS 1 subscription for while we are away (clean session off).</summary>
    public int SessionExpirySeconds { get; set; } = 3600;

    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>First reconnect delay; doubles per failure up to <see cref="ReconnectMaxSeconds"/>, with full jitter.</summary>
    public double ReconnectMinSeconds { get; set; } = 1;

    public double ReconnectMaxSeconds { get; set; } = 60;

    /// <summary>Directory of the on-disk event journal; null means `/var/lib/edgescaler/mqtt`.</summary>
    public string? JournalPath { get; set; }

    /// <summary>Events kept while the broker is unreachable; past this the oldest are dropped, counted and logged.</summary>
    public int JournalMaxEvents { get; set; } = 10_000;

    /// <summary>Home Assistant device discovery (off by default).</summary>
    public bool Discovery { get; set; }

    public string DiscoveryPrefix { get; set; } = "homeassistant";

    /// <summary>Commands larger than this many bytes are rejected unread.</summary>
    public int MaxCommandBytes { get; set; } = 512;

    /// <summary>Longest override a command may ask for.</summary>
    public int MaxOverrideMinutes { get; set; } = 7 * 24 * 60;

    /// <summary>Whether `"force": true` (replicas outside [minReplicas, maxReplicas]) is accepted over MQTT.</summary>
    public bool AllowForce { get; set; }

    /// <summary>Upper bound for forced replica counts.</summary>
    public int MaxForcedReplicas { get; set; } = 100;

    internal const string DefaultJournalPath = "/var/lib/edgescaler/mqtt";

    public string EffectivePrefix => string.IsNullOrWhiteSpace(Prefix) ? $"edgescaler/{Cluster}" : Prefix.TrimEnd('/');

    public string EffectiveClientId(string node) => string.IsNullOrWhiteSpace(ClientId) ? $"edgescaler-{Cluster}-{node}" : ClientId;

    public TimeSpan StateExpiry => TimeSpan.FromSeconds(StateExpirySeconds > 0 ? StateExpirySeconds : 4 * Math.Max(1, IntervalSeconds));

    /// <summary>Problems with these options, one clear line each; empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(BrokerUri))
        {
            if (!Uri.TryCreate(BrokerUri, UriKind.Absolute, out var uri) || (uri.Scheme != "mqtt" && uri.Scheme != "mqtts" && uri.Scheme != "tcp"))
                errors.Add($"telemetry.brokerUri: '{BrokerUri}' is not mqtt://host[:port] or mqtts://host[:port]");
        }
        if (!TopicSchema.IsValidPrefix(EffectivePrefix)) errors.Add($"telemetry.prefix: '{EffectivePrefix}' must be non-empty MQTT topic levels without +, # or a leading /");
        if (!TopicSchema.IsValidLevel(Cluster)) errors.Add($"telemetry.cluster: '{Cluster}' must be one topic level without /, + or #");
        if (Discovery && !TopicSchema.IsValidPrefix(DiscoveryPrefix)) errors.Add($"telemetry.discoveryPrefix: '{DiscoveryPrefix}' is not a valid topic prefix");
        if (IntervalSeconds < 1) errors.Add("telemetry.intervalSeconds must be at least 1");
        if (JournalMaxEvents < 1) errors.Add("telemetry.journalMaxEvents must be at least 1");
        if (MaxCommandBytes is < 16 or > 65536) errors.Add("telemetry.maxCommandBytes must be between 16 and 65536");
        if (ReconnectMinSeconds <= 0 || ReconnectMaxSeconds < ReconnectMinSeconds) errors.Add("telemetry.reconnectMinSeconds must be > 0 and <= reconnectMaxSeconds");
        if (MaxOverrideMinutes < 1) errors.Add("telemetry.maxOverrideMinutes must be at least 1");
        if ((ClientCertFile is null) != (ClientKeyFile is null)) errors.Add("telemetry.clientCertFile and telemetry.clientKeyFile go together");
        foreach (var (name, path) in new[] { ("caFile", CaFile), ("clientCertFile", ClientCertFile), ("clientKeyFile", ClientKeyFile), ("passwordFile", PasswordFile) })
            if (path is not null && !File.Exists(path)) errors.Add($"telemetry.{name}: '{path}' does not exist");
        return errors;
    }
}
