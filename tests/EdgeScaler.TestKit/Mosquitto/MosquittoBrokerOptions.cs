namespace EdgeScaler.TestKit;

/// <summary>A user name and password an MQTT client logs in with.</summary>
public sealed record MqttLogin(string User, string Password);

/// <summary>How <see cref="MosquittoBroker"/> configures the real mosquitto it starts.</summary>
public sealed class MosquittoBrokerOptions
{
    /// <summary>Users written to a password file with the real mosquitto_passwd. None: anonymous clients are let in.</summary>
    public IReadOnlyList<MqttLogin> Users { get; init; } = [];

    /// <summary>The ACL file's text (mosquitto's acl_file syntax); null for none.</summary>
    public string? Acl { get; init; }

    /// <summary>Persistence in the broker's own directory, saved every second and on SIGTERM (sessions, in-flight QoS 2).</summary>
    public bool Persistence { get; init; }

    /// <summary>A second listener with TLS that requires a client certificate, from a throwaway <see cref="TestPki"/>.</summary>
    public bool TlsListener { get; init; }

    public int MaxQueuedMessages { get; init; } = 100_000;

    /// <summary>mosquitto's log_type values for the log file; "all" includes the debug lines tests look for.</summary>
    public IReadOnlyList<string> LogTypes { get; init; } = ["all"];
}
